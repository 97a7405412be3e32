package dev.lorafoundry.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Hugging Face architectures we run, with the structural facts that differ between them. */
public enum ModelArchitecture {
    LLAMA("LlamaForCausalLM", "llama", 2048),
    QWEN2("Qwen2ForCausalLM", "qwen2", 32768),
    QWEN3("Qwen3ForCausalLM", "qwen3", 32768),
    MISTRAL("MistralForCausalLM", "mistral", 4096 * 32);

    private final String hfName;
    private final String modelType;
    private final int defaultMaxPositionEmbeddings;

    ModelArchitecture(String hfName, String modelType, int defaultMaxPositionEmbeddings) {
        this.hfName = hfName;
        this.modelType = modelType;
        this.defaultMaxPositionEmbeddings = defaultMaxPositionEmbeddings;
    }

    public String hfName() {
        return hfName;
    }

    public String modelType() {
        return modelType;
    }

    /** transformers' default when config.json has no max_position_embeddings. */
    public int defaultMaxPositionEmbeddings() {
        return defaultMaxPositionEmbeddings;
    }

    /** q/k/v biases: Qwen2 always; Llama and Qwen3 when attention_bias is true; Mistral never. */
    public boolean qkvBias(boolean attentionBiasFlag) {
        return switch (this) {
            case QWEN2 -> true;
            case LLAMA, QWEN3 -> attentionBiasFlag;
            case MISTRAL -> false;
        };
    }

    /** o_proj bias: Llama and Qwen3 put it on o_proj too when attention_bias is true; Qwen2 and Mistral never. */
    public boolean outputProjectionBias(boolean attentionBiasFlag) {
        return (this == LLAMA || this == QWEN3) && attentionBiasFlag;
    }

    public boolean qkNorm() {
        return this == QWEN3;
    }

    public static Optional<ModelArchitecture> fromHfName(String name) {
        return Arrays.stream(values()).filter(a -> a.hfName.equals(name)).findFirst();
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(ModelArchitecture::hfName).collect(Collectors.joining(", "));
    }
}
