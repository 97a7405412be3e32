package dev.lorafoundry.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.model.GenerationConfig;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes fully trained weights as a Hugging Face Llama (or Qwen3, with q/k norms) folder: config.json,
 * generation_config.json (greedy, the EOS ids), model.safetensors in F32 or BF16, and the tokenizer files copied from
 * the tokenizer's folder — what transformers' {@code from_pretrained} and this service load.
 */
public final class HfModelFolderWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json");

    private HfModelFolderWriter() {}

    /**
     * Writes the folder (created if needed).
     *
     * @param dtype        F32, BF16 or F16 on disk
     * @param padTokenId   written as pad_token_id
     * @param tokenizerDir folder holding tokenizer.json and tokenizer_config.json
     */
    public static void write(Path dir, FullParameters parameters, String dtype, int padTokenId, Path tokenizerDir) {
        ModelConfig c = parameters.config();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ModelConfig.FILE_NAME), JSON.writeValueAsString(config(c, dtype, padTokenId))
                    + "\n");
            ObjectNode g = JSON.createObjectNode();
            ArrayNode eos = g.putArray("eos_token_id");
            c.eosTokenIds().forEach(eos::add);
            g.put("pad_token_id", padTokenId);
            g.put("do_sample", false);
            Files.writeString(dir.resolve(GenerationConfig.FILE_NAME), JSON.writeValueAsString(g) + "\n");
            for (String file : TOKENIZER_FILES) {
                Path source = tokenizerDir.resolve(file);
                if (!Files.isRegularFile(source)) {
                    throw new IllegalArgumentException(tokenizerDir + " has no " + file + "; point at the tokenizer's "
                            + "folder");
                }
                Files.copy(source, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model folder " + dir + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(dir.resolve(SafetensorsReader.SINGLE_FILE), parameters.toFloatTensors(), dtype,
                Map.of("format", "pt"));
    }

    private static ObjectNode config(ModelConfig c, String dtype, int padTokenId) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(c.qkNorm() ? "Qwen3ForCausalLM" : "LlamaForCausalLM");
        o.put("model_type", c.qkNorm() ? "qwen3" : "llama");
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        o.put("head_dim", c.headDim());
        o.put("vocab_size", c.vocabSize());
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("rope_theta", c.ropeTheta());
        o.putNull("rope_scaling");
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("torch_dtype", switch (dtype) {
            case "BF16" -> "bfloat16";
            case "F16" -> "float16";
            default -> "float32";
        });
        o.put("hidden_act", "silu");
        o.put("initializer_range", 0.02);
        o.put("attention_bias", false);
        o.put("mlp_bias", false);
        if (c.bosTokenId() == null) {
            o.putNull("bos_token_id");
        } else {
            o.put("bos_token_id", c.bosTokenId());
        }
        o.put("eos_token_id", c.eosTokenIds().getFirst());
        o.put("pad_token_id", padTokenId);
        o.put("use_cache", true);
        return o;
    }
}
