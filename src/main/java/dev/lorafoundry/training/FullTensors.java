package dev.lorafoundry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.RotaryEmbedding;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full-parameter weights as tensors for one micro-step: copies of the Java master weights in the step's manager (so
 * they die with it), recording gradients when asked, laid out as {@link TrainingWeights} for the training forward
 * (projections transposed as views, so gradients reach the [out × in] leaves; lm_head tied to the embedding table when
 * the model ties them). The gradients are then added into the master buffers.
 */
final class FullTensors {

    private static final String[] PROJECTION_NAMES = {
            "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

    private final Map<String, NDArray> leaves = new LinkedHashMap<>();
    private final TrainingWeights weights;

    FullTensors(FullParameters parameters, NDManager manager, DataType dataType, boolean requireGrad) {
        for (FullParameters.Tensor t : parameters.all()) {
            NDArray array = LoraTensors.create(manager, t.values(), new Shape(t.shape()), dataType);
            if (requireGrad) {
                array.setRequiresGradient(true);
            }
            leaves.put(t.name(), array);
        }
        ModelConfig config = parameters.config();
        TrainingWeights.Layer[] layers = new TrainingWeights.Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            NDArray[] weightsT = new NDArray[ProjectionKind.values().length];
            for (ProjectionKind kind : ProjectionKind.values()) {
                weightsT[kind.ordinal()] = leaves.get(p + PROJECTION_NAMES[kind.ordinal()] + ".weight").transpose();
            }
            // Qwen3's q/k norms when the model has them (null otherwise).
            layers[i] = new TrainingWeights.Layer(leaves.get(p + "input_layernorm.weight"),
                    leaves.get(p + "self_attn.q_norm.weight"), leaves.get(p + "self_attn.k_norm.weight"),
                    leaves.get(p + "post_attention_layernorm.weight"), weightsT,
                    new NDArray[ProjectionKind.values().length]);
        }
        NDArray embed = leaves.get("model.embed_tokens.weight");
        NDArray lmHead = config.tieWordEmbeddings() ? embed : leaves.get("lm_head.weight");
        this.weights = new TrainingWeights(config, dataType, layers, leaves.get("model.norm.weight"),
                lmHead.transpose(), RotaryEmbedding.of(config), null, embed);
    }

    TrainingWeights weights() {
        return weights;
    }

    /** Adds the gradients the backward pass left on the leaves into the parameters' gradient buffers. */
    void addGradientsTo(FullParameters target) {
        for (FullParameters.Tensor t : target.all()) {
            NDArray gradient = leaves.get(t.name()).getGradient();
            float[] values = gradient.getDataType() == DataType.FLOAT32 ? gradient.toFloatArray()
                    : gradient.toType(DataType.FLOAT32, false).toFloatArray();
            float[] into = t.gradient();
            for (int i = 0; i < into.length; i++) {
                into[i] += values[i];
            }
        }
    }

    /** One leaf's gradient in float64 (gradient checks). */
    double[] gradient(String name) {
        return leaves.get(name).getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
