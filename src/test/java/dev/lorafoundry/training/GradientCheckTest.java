package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer's LoRA gradients (float32 autograd through the training forward, with and without gradient
 * checkpointing) against central finite differences of the loss computed in float64, on a tiny random GQA Llama with
 * B initialised non-zero (with B = 0, dL/dA would be 0 and prove nothing). The batch has a padded row and a packed row
 * of two examples, so masks, positions and padding are all in play.
 */
class GradientCheckTest {

    /** Parameter values are multiples of 2⁻²⁰ and the step 2⁻¹⁴, so p ± h is exact in the float32 master copy. */
    private static final double H = Math.scalb(1.0, -14);

    private static NDManager manager;
    private static LlamaModel model;
    private static ModelConfig config;

    @BeforeAll
    static void load() {
        Path dir = TrainingModels.write(TrainingModels.GRADIENT_CHECK);
        config = ModelConfig.read(dir);
        manager = NDManager.newBaseManager();
        model = LlamaModel.load(dir, config, manager);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    private static LoraParameters parameters() {
        LoraParameters p = LoraParameters.initialise(config, 4, 8, false, List.of("all"), 3);
        SplittableRandom random = new SplittableRandom(99);
        for (float[] tensor : p.tensors()) {
            for (int i = 0; i < tensor.length; i++) {
                tensor[i] = (float) (Math.rint(random.nextGaussian() * 0.2 * (1 << 20)) / (1 << 20));
            }
        }
        return p;
    }

    /** Mean token loss in float64, no graph. */
    private static double loss64(TrainingForward forward, LoraParameters p, TrainingBatch batch) {
        try (NDManager step = manager.newSubManager()) {
            LoraTensors tensors = new LoraTensors(p, step, DataType.FLOAT64, config.numLayers(), false);
            TrainingForward.Result r = forward.run(step, tensors, batch, TrainingForward.Options.evaluation(false));
            return r.lossSum() / r.count();
        }
    }

    @Test
    void loraGradientsMatchFloat64FiniteDifferences() {
        TrainingBatch batch = TrainingModels.gradientCheckBatch(config.vocabSize());
        TrainingWeights weights32 = TrainingWeights.of(model);
        try (NDManager float64 = manager.newSubManager()) {
            TrainingForward forward64 = new TrainingForward(weights32.toFloat64(float64));
            LoraParameters p = parameters();
            for (boolean checkpointing : new boolean[] {false, true}) {
                p.zeroGradients();
                GradientStep.accumulate(new TrainingForward(weights32), p, manager, List.of(batch),
                        new GradientStep.Settings(checkpointing, 0, 0, 1L, DataType.FLOAT32));
                List<float[]> gradients = p.gradients();
                List<float[]> tensors = p.tensors();
                SplittableRandom pick = new SplittableRandom(5);
                double errorSquares = 0;
                double referenceSquares = 0;
                int checked = 0;
                for (int t = 0; t < tensors.size(); t++) {
                    float[] values = tensors.get(t);
                    for (int sample = 0; sample < 3; sample++) {
                        int i = pick.nextInt(values.length);
                        float original = values[i];
                        values[i] = (float) (original + H);
                        double plus = loss64(forward64, p, batch);
                        values[i] = (float) (original - H);
                        double minus = loss64(forward64, p, batch);
                        values[i] = original;
                        double reference = (plus - minus) / (2 * H);
                        double trainer = gradients.get(t)[i];
                        errorSquares += (trainer - reference) * (trainer - reference);
                        referenceSquares += reference * reference;
                        checked++;
                        assertTrue(Math.abs(trainer - reference) <= 1e-4 * Math.abs(reference) + 1e-7,
                                p.tensorNames().get(t) + "[" + i + "] (checkpointing " + checkpointing + "): trainer "
                                        + trainer + " vs finite difference " + reference);
                    }
                }
                double relative = Math.sqrt(errorSquares / referenceSquares);
                System.out.printf("gradient check (checkpointing %s): %d entries, relative error %.2e%n",
                        checkpointing, checked, relative);
                assertTrue(relative < 1e-4, "relative error " + relative);
                assertEquals(2 * 7 * 2, tensors.size());
            }
        }
    }

    /**
     * Constants the backward pass reads must outlive the forward: a garbage collection between the layers (which frees
     * every direct buffer no live array holds) leaves the gradients exactly as they are without one. DJL's
     * {@code x.mul(Number)} once broke this (zero, huge or NaN gradients on some machines).
     */
    @Test
    void gradientsSurviveAGarbageCollectionBetweenLayers() {
        TrainingBatch batch = TrainingModels.gradientCheckBatch(config.vocabSize());
        TrainingForward forward = new TrainingForward(TrainingWeights.of(model));
        for (boolean checkpointing : new boolean[] {false, true}) {
            GradientStep.Settings settings = new GradientStep.Settings(checkpointing, 0.1, 5, 3L, DataType.FLOAT32);
            LoraParameters quiet = parameters();
            quiet.zeroGradients();
            GradientStep.micro(forward, quiet, manager, batch, 0, batch.trainedTokens(), settings, null,
                    new GradientStep.Totals(0, 0, 0, 0));
            LoraParameters collected = parameters();
            collected.zeroGradients();
            GradientStep.micro(forward, collected, manager, batch, 0, batch.trainedTokens(), settings,
                    GradientCheckTest::collectGarbage, new GradientStep.Totals(0, 0, 0, 0));
            for (int t = 0; t < quiet.gradients().size(); t++) {
                float[] expected = quiet.gradients().get(t);
                float[] actual = collected.gradients().get(t);
                for (int i = 0; i < expected.length; i++) {
                    assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-6 * Math.abs(expected[i]) + 1e-9,
                            quiet.tensorNames().get(t) + "[" + i + "] (checkpointing " + checkpointing + "): "
                                    + actual[i] + " after a collection, " + expected[i] + " without");
                }
            }
        }
    }

    /** A full collection, then time for the cleaner thread to free the direct buffers it found unreachable. */
    private static void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
