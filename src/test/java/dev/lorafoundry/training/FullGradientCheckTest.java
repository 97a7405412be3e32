package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lorafoundry.model.ModelConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full-parameter gradients (float32 autograd through the training forward, every weight a leaf: embeddings gathered in
 * the graph, norms, projections, lm_head or the tied embedding matrix) against central finite differences of the
 * loss computed in float64, on a tiny random GQA Llama, tied and untied, and as a Qwen3 (q/k norms). The batch has a
 * padded row and a packed row of two examples.
 */
class FullGradientCheckTest {

    /** Parameter values are multiples of 2⁻²⁰ and the step 2⁻¹⁴, so p ± h is exact in the float32 master copy. */
    private static final double H = Math.scalb(1.0, -14);

    private static NDManager manager;
    private static ModelConfig untied;

    @BeforeAll
    static void load() {
        untied = ModelConfig.read(TrainingModels.write(TrainingModels.GRADIENT_CHECK));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** The gradient-check model, with tied embeddings or not, as a Llama or as a Qwen3 (per-head q/k norms). */
    private static ModelConfig config(String shape) {
        ModelConfig c = untied;
        boolean qkNorm = shape.startsWith("qwen3");
        return new ModelConfig(qkNorm ? "Qwen3ForCausalLM" : c.architecture(), qkNorm ? "qwen3" : c.modelType(),
                c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                c.vocabSize(), c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.maxPositionEmbeddings(),
                shape.endsWith("tied") && !shape.endsWith("untied"), false, qkNorm, c.eosTokenIds(), c.bosTokenId());
    }

    /** Random weights on the 2⁻²⁰ grid; norms around 1 so their gradients are not special. */
    private static FullParameters parameters(ModelConfig config) {
        FullParameters p = FullParameters.initialise(config, 0.2, 3);
        SplittableRandom random = new SplittableRandom(99);
        for (FullParameters.Tensor t : p.all()) {
            float[] v = t.values();
            boolean norm = t.name().endsWith("norm.weight");
            for (int i = 0; i < v.length; i++) {
                double x = norm ? 1 + 0.1 * random.nextGaussian() : v[i];
                v[i] = (float) (Math.rint(x * (1 << 20)) / (1 << 20));
            }
        }
        return p;
    }

    /** Mean token loss in float64, no graph. */
    private static double loss64(FullParameters p, TrainingBatch batch) {
        try (NDManager step = manager.newSubManager()) {
            FullTensors tensors = new FullTensors(p, step, DataType.FLOAT64, false);
            TrainingForward.Result r = new TrainingForward(tensors.weights()).run(step, null, batch,
                    TrainingForward.Options.evaluation(false));
            return r.lossSum() / r.count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-untied", "llama-tied", "qwen3-tied"})
    void everyWeightsGradientMatchesFloat64FiniteDifferences(String shape) {
        ModelConfig config = config(shape);
        boolean tied = config.tieWordEmbeddings();
        TrainingBatch batch = TrainingModels.gradientCheckBatch(config.vocabSize());
        FullParameters p = parameters(config);
        p.zeroGradients();
        FullTrainer.micro(p, manager, batch, batch.trainedTokens(), 1L);
        SplittableRandom pick = new SplittableRandom(5);
        double errorSquares = 0;
        double referenceSquares = 0;
        int checked = 0;
        for (FullParameters.Tensor t : p.all()) {
            float[] values = t.values();
            for (int sample = 0; sample < 3; sample++) {
                int i = pick.nextInt(values.length);
                if (t.name().equals("model.embed_tokens.weight") && !tied) {
                    // Only rows of tokens in the batch have a gradient; check those.
                    int row = batch.inputIds()[pick.nextInt(batch.inputIds().length)];
                    i = row * config.hiddenSize() + pick.nextInt(config.hiddenSize());
                }
                float original = values[i];
                values[i] = (float) (original + H);
                double plus = loss64(p, batch);
                values[i] = (float) (original - H);
                double minus = loss64(p, batch);
                values[i] = original;
                double reference = (plus - minus) / (2 * H);
                double trainer = t.gradient()[i];
                errorSquares += (trainer - reference) * (trainer - reference);
                referenceSquares += reference * reference;
                checked++;
                assertTrue(Math.abs(trainer - reference) <= 1e-4 * Math.abs(reference) + 1e-7,
                        t.name() + "[" + i + "] (" + shape + "): trainer " + trainer + " vs finite difference "
                                + reference);
            }
        }
        double relative = Math.sqrt(errorSquares / referenceSquares);
        System.out.printf("full-parameter gradient check (%s): %d entries in %d tensors, relative error %.2e%n",
                shape, checked, p.all().size(), relative);
        assertTrue(relative < 1e-4, "relative error " + relative);
        assertTrue(referenceSquares > 0, "the gradients checked are not all zero");
    }
}
