package dev.lorafoundry.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The parts of a Hugging Face config.json that define a Llama-family decoder. */
public record ModelConfig(String architecture, String modelType, int hiddenSize, int intermediateSize, int numLayers,
        int numHeads, int numKvHeads, int headDim, int vocabSize, double rmsNormEps, double ropeTheta,
        RopeScaling ropeScaling /* null = default rope */, int maxPositionEmbeddings, boolean tieWordEmbeddings,
        boolean attentionBias /* q,k,v biases: Qwen2 always; Llama/Qwen3 when attention_bias=true */,
        boolean qkNorm /* Qwen3 q_norm/k_norm */, List<Integer> eosTokenIds, Integer bosTokenId) {

    public static final String FILE_NAME = "config.json";
    private static final Set<String> ROPE_TYPES = Set.of("linear", "dynamic", "llama3", "yarn");

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads config.json; unsupported architecture / missing field / bad value -> ModelLoadException naming the file and field. */
    public static ModelConfig read(Path modelDir) {
        JsonFields json = JsonFields.read(modelDir.resolve(FILE_NAME));
        ModelArchitecture arch = architecture(json);
        String modelType = json.optionalString("model_type");
        if (modelType == null) {
            modelType = arch.modelType();
        }
        int hidden = json.requiredPositiveInt("hidden_size");
        int intermediate = json.requiredPositiveInt("intermediate_size");
        int layers = json.requiredPositiveInt("num_hidden_layers");
        int heads = json.requiredPositiveInt("num_attention_heads");
        int kvHeads = json.positiveInt("num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw json.invalid("num_key_value_heads", "is " + kvHeads + " but must divide num_attention_heads ("
                    + heads + ")");
        }
        if (!json.has("head_dim") && hidden % heads != 0) {
            throw json.invalid("hidden_size", "is " + hidden + ", not a multiple of num_attention_heads (" + heads
                    + "); set head_dim explicitly");
        }
        int headDim = json.positiveInt("head_dim", hidden / heads);
        if (headDim % 2 != 0) {
            throw json.invalid("head_dim", "is " + headDim + " but rotary embeddings need an even head dimension");
        }
        int vocab = json.requiredPositiveInt("vocab_size");
        double eps = json.positiveDouble("rms_norm_eps", 1e-6);
        String act = json.optionalString("hidden_act");
        if (act != null && !act.equals("silu")) {
            throw json.invalid("hidden_act", "is \"" + act + "\" but only \"silu\" is supported");
        }
        if (Boolean.TRUE.equals(json.optionalBoolean("mlp_bias"))) {
            throw json.invalid("mlp_bias", "is true but MLP biases are not supported");
        }
        Double partialRotary = json.optionalDouble("partial_rotary_factor");
        if (partialRotary != null && partialRotary != 1.0) {
            throw json.invalid("partial_rotary_factor", "is " + partialRotary + " but only 1.0 is supported");
        }
        int maxPos = json.positiveInt("max_position_embeddings", arch.defaultMaxPositionEmbeddings());
        boolean tied = Boolean.TRUE.equals(json.optionalBoolean("tie_word_embeddings"));
        boolean attentionBiasFlag = Boolean.TRUE.equals(json.optionalBoolean("attention_bias"));

        // transformers 5 writes rope_parameters {rope_type, rope_theta, ...}; older files rope_theta + rope_scaling.
        JsonFields ropeParameters = json.object("rope_parameters");
        double theta = json.positiveDouble("rope_theta", 10000.0);
        if (ropeParameters != null) {
            theta = ropeParameters.positiveDouble("rope_theta", theta);
        }
        JsonFields scalingJson = json.object("rope_scaling");
        RopeScaling scaling = scalingJson != null ? ropeScaling(scalingJson, "rope_scaling", maxPos)
                : ropeParameters != null ? ropeScaling(ropeParameters, "rope_parameters", maxPos) : null;

        List<Integer> eos = json.intOrIntList("eos_token_id");
        Integer bos = json.optionalInt("bos_token_id");
        return new ModelConfig(arch.hfName(), modelType, hidden, intermediate, layers, heads, kvHeads, headDim, vocab,
                eps, theta, scaling, maxPos, tied, arch.qkvBias(attentionBiasFlag), arch.qkNorm(), eos, bos);
    }

    private static ModelArchitecture architecture(JsonFields json) {
        String name = json.firstStringOfList("architectures");
        return ModelArchitecture.fromHfName(name).orElseThrow(() -> json.invalid("architectures",
                "names \"" + name + "\", which is not supported; supported: " + ModelArchitecture.supportedNames()));
    }

    private static RopeScaling ropeScaling(JsonFields s, String field, int maxPos) {
        String type = s.optionalString("rope_type");
        if (type == null) {
            type = s.optionalString("type");
        }
        if (type == null || type.equals("default")) {
            if (field.equals("rope_scaling") && type == null) {
                throw s.missing("type");
            }
            return null;
        }
        if (!ROPE_TYPES.contains(type)) {
            throw s.invalid("rope_type", "is \"" + type + "\" but supported rope types are default, " + ROPE_TYPES);
        }
        int originalMax = s.positiveInt("original_max_position_embeddings", maxPos);
        return switch (type) {
            // Unused fields stay 0, so the record equals what a writer built with RopeScaling.linear/dynamic.
            case "linear", "dynamic" -> new RopeScaling(type, s.requiredPositiveDouble("factor"), 0, 0, 0, 0, 0, null);
            case "llama3" -> {
                double low = s.requiredPositiveDouble("low_freq_factor");
                double high = s.requiredPositiveDouble("high_freq_factor");
                if (!(high > low)) {
                    throw s.invalid("high_freq_factor", "is " + high + " but must exceed low_freq_factor (" + low + ")");
                }
                yield new RopeScaling(type, s.requiredPositiveDouble("factor"), low, high,
                        s.requiredPositiveInt("original_max_position_embeddings"), 0, 0, null);
            }
            default -> {
                if (Boolean.FALSE.equals(s.optionalBoolean("truncate"))) {
                    throw s.invalid("truncate", "is false, which is not supported (only truncated yarn ranges)");
                }
                if (s.has("mscale") || s.has("mscale_all_dim")) {
                    throw s.invalid("mscale", "is set, which is not supported; set attention_factor instead");
                }
                // Like transformers: a missing factor is max_position_embeddings / original_max_position_embeddings.
                double factor = s.positiveDouble("factor", (double) maxPos / originalMax);
                // Python's `x or default`: 0 and null both mean the default.
                Double fast = s.optionalDouble("beta_fast");
                Double slow = s.optionalDouble("beta_slow");
                yield new RopeScaling(type, factor, 0, 0, originalMax,
                        fast == null || fast == 0 ? RopeScaling.YARN_BETA_FAST : fast,
                        slow == null || slow == 0 ? RopeScaling.YARN_BETA_SLOW : slow,
                        s.optionalDouble("attention_factor"));
            }
        };
    }

    public ModelArchitecture architectureKind() {
        return ModelArchitecture.fromHfName(architecture).orElseThrow();
    }

    /** o_proj bias: present for Llama/Qwen3 with attention_bias=true (never for Qwen2, whose attentionBias is q/k/v only). */
    public boolean outputProjectionBias() {
        return attentionBias && architectureKind() != ModelArchitecture.QWEN2;
    }

    /** Width of q_proj's output (numHeads * headDim), which differs from hiddenSize when head_dim is explicit. */
    public int queryDim() {
        return numHeads * headDim;
    }

    /** Width of k_proj's and v_proj's outputs. */
    public int kvDim() {
        return numKvHeads * headDim;
    }
}
