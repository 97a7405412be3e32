package dev.lorafoundry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.RotaryEmbedding;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.util.function.Function;

/**
 * The base weights as the training forward reads them: the serving model's own float32 arrays (shared, never
 * written), float64 copies of them for gradient checks, or — for full-parameter training — arrays that record
 * gradients, with the embedding table among them.
 *
 * @param layers     per decoder layer
 * @param embed      token ids → their embedding rows, float32 [ids × hidden]; unused when embedTable is set
 * @param embedTable the embedding matrix [vocab × hidden] as an array the forward gathers rows from (so its gradient
 *                   is recorded), or null to look rows up through {@code embed}
 */
public record TrainingWeights(ModelConfig config, DataType dataType, Layer[] layers, NDArray finalNorm,
                              NDArray lmHeadT, RotaryEmbedding rope, Function<int[], float[]> embed,
                              NDArray embedTable) {

    /** Weights whose embedding rows are looked up in Java (frozen embeddings). */
    public TrainingWeights(ModelConfig config, DataType dataType, Layer[] layers, NDArray finalNorm, NDArray lmHeadT,
                           RotaryEmbedding rope, Function<int[], float[]> embed) {
        this(config, dataType, layers, finalNorm, lmHeadT, rope, embed, null);
    }

    /**
     * One decoder layer.
     *
     * @param weightsT per {@link ProjectionKind#ordinal()}: Wᵀ [in × out]
     * @param biases   per kind: bias [out] or null
     */
    public record Layer(NDArray inputNorm, NDArray qNorm, NDArray kNorm, NDArray postNorm, NDArray[] weightsT,
                        NDArray[] biases) {

        NDArray weightT(ProjectionKind kind) {
            return weightsT[kind.ordinal()];
        }

        NDArray bias(ProjectionKind kind) {
            return biases[kind.ordinal()];
        }
    }

    /** The serving model's arrays themselves (float32, no copy). */
    public static TrainingWeights of(LlamaModel model) {
        LlamaModel.Layer[] source = model.layers();
        Layer[] layers = new Layer[source.length];
        for (int i = 0; i < source.length; i++) {
            LlamaModel.Layer l = source[i];
            LlamaModel.Linear[] linears = {l.q(), l.k(), l.v(), l.o(), l.gate(), l.up(), l.down()};
            NDArray[] weights = new NDArray[linears.length];
            NDArray[] biases = new NDArray[linears.length];
            for (ProjectionKind kind : ProjectionKind.values()) {
                weights[kind.ordinal()] = linears[kind.ordinal()].weightT();
                biases[kind.ordinal()] = linears[kind.ordinal()].bias();
            }
            layers[i] = new Layer(l.inputNorm(), l.qNorm(), l.kNorm(), l.postNorm(), weights, biases);
        }
        return new TrainingWeights(model.config(), DataType.FLOAT32, layers, model.finalNorm(),
                model.lmHead().weightT(), model.rope(), model::embedTokens);
    }

    /** Float64 copies of every array, owned by {@code manager} (for gradient checks). */
    public TrainingWeights toFloat64(NDManager manager) {
        Layer[] copies = new Layer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            NDArray[] weights = new NDArray[l.weightsT.length];
            NDArray[] biases = new NDArray[l.biases.length];
            for (int k = 0; k < weights.length; k++) {
                weights[k] = copy(l.weightsT[k], manager);
                biases[k] = copy(l.biases[k], manager);
            }
            copies[i] = new Layer(copy(l.inputNorm, manager), copy(l.qNorm, manager), copy(l.kNorm, manager),
                    copy(l.postNorm, manager), weights, biases);
        }
        return new TrainingWeights(config, DataType.FLOAT64, copies, copy(finalNorm, manager), copy(lmHeadT, manager),
                rope, embed);
    }

    private static NDArray copy(NDArray array, NDManager manager) {
        if (array == null) {
            return null;
        }
        float[] values = array.toFloatArray();
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return manager.create(doubles, array.getShape());
    }
}
