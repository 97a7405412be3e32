package dev.lorafoundry.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json and generation_config.json parsing, with the texts of real published models. */
class ModelConfigTest {

    @TempDir
    Path dir;

    static final String LLAMA_31_8B = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
             "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32,
             "num_hidden_layers": 32, "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256}
            """;

    static final String QWEN25_05B = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
             "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 21, "model_type": "qwen2",
             "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06,
             "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.43.1", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
            """;

    static final String QWEN3_06B = """
            {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024,
             "initializer_range": 0.02, "intermediate_size": 3072, "max_position_embeddings": 40960,
             "max_window_layers": 28, "model_type": "qwen3", "num_attention_heads": 16, "num_hidden_layers": 28,
             "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000,
             "sliding_window": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.51.0", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
            """;

    static final String MISTRAL_7B = """
            {"architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
             "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
             "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
             "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
             "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
             "transformers_version": "4.34.0.dev0", "use_cache": true, "vocab_size": 32000}
            """;

    private ModelConfig read(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return ModelConfig.read(dir);
    }

    private ModelLoadException readFails(String json, String... fragments) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelConfig.read(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        return e;
    }

    @Test
    void llama31WithLlama3RopeScaling() throws IOException {
        ModelConfig c = read(LLAMA_31_8B);
        assertEquals(new ModelConfig("LlamaForCausalLM", "llama", 4096, 14336, 32, 32, 8, 128, 128256, 1e-5, 500000.0,
                new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192, 0, 0, null), 131072, false, false, false,
                List.of(128001, 128008, 128009), 128000), c);
        assertFalse(c.outputProjectionBias());
        assertEquals(1024, c.kvDim());
    }

    @Test
    void qwen25HasQkvBiasesAndTiedEmbeddings() throws IOException {
        ModelConfig c = read(QWEN25_05B);
        assertEquals(new ModelConfig("Qwen2ForCausalLM", "qwen2", 896, 4864, 24, 14, 2, 64, 151936, 1e-6, 1e6, null,
                32768, true, true, false, List.of(151645), 151643), c);
        assertFalse(c.outputProjectionBias(), "Qwen2's o_proj has no bias");
    }

    @Test
    void qwen3HasExplicitHeadDimAndQkNorm() throws IOException {
        ModelConfig c = read(QWEN3_06B);
        assertEquals(new ModelConfig("Qwen3ForCausalLM", "qwen3", 1024, 3072, 28, 16, 8, 128, 151936, 1e-6, 1e6, null,
                40960, true, false, true, List.of(151645), 151643), c);
        assertEquals(2048, c.queryDim(), "16 heads x 128 differs from hidden_size 1024");
    }

    @Test
    void mistral7b() throws IOException {
        ModelConfig c = read(MISTRAL_7B);
        assertEquals(new ModelConfig("MistralForCausalLM", "mistral", 4096, 14336, 32, 32, 8, 128, 32000, 1e-5, 10000.0,
                null, 32768, false, false, false, List.of(2), 1), c);
    }

    @Test
    void defaultsWhenOptionalFieldsAreAbsent() throws IOException {
        ModelConfig c = read("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 300}
                """);
        assertEquals(4, c.numKvHeads());
        assertEquals(16, c.headDim());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertEquals("llama", c.modelType());
        assertTrue(c.eosTokenIds().isEmpty());
        assertNull(c.bosTokenId());
        assertNull(c.ropeScaling());
    }

    @Test
    void oldTypeKeyAndLlamaAttentionBias() throws IOException {
        ModelConfig c = read("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 300, "attention_bias": true,
                 "rope_scaling": {"type": "linear", "factor": 2.0}}
                """);
        assertEquals(RopeScaling.linear(2.0), c.ropeScaling());
        assertTrue(c.attentionBias());
        assertTrue(c.outputProjectionBias(), "Llama's attention_bias also biases o_proj");
    }

    @Test
    void transformers5RopeParametersAndYarnDefaults() throws IOException {
        ModelConfig c = read("""
                {"architectures": ["Qwen3ForCausalLM"], "hidden_size": 64, "intermediate_size": 128, "head_dim": 32,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 300,
                 "max_position_embeddings": 131072,
                 "rope_parameters": {"rope_type": "yarn", "rope_theta": 1000000.0, "factor": 4.0,
                                     "original_max_position_embeddings": 32768}}
                """);
        assertEquals(1e6, c.ropeTheta());
        assertEquals(new RopeScaling("yarn", 4.0, 0, 0, 32768, 32, 1, null), c.ropeScaling());
    }

    @Test
    void defaultRopeParametersMeanNoScaling() throws IOException {
        ModelConfig c = read("""
                {"architectures": ["MistralForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 300,
                 "rope_parameters": {"rope_type": "default", "rope_theta": 20000.0}}
                """);
        assertNull(c.ropeScaling());
        assertEquals(20000.0, c.ropeTheta());
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        readFails(QWEN25_05B.replace("Qwen2ForCausalLM", "GPT2LMHeadModel"), "architectures", "GPT2LMHeadModel",
                "LlamaForCausalLM");
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        readFails(MISTRAL_7B.replace("\"hidden_size\": 4096,", ""), "\"hidden_size\"", "missing");
    }

    @Test
    void badValuesAreNamed() throws IOException {
        readFails(MISTRAL_7B.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 3"), "num_key_value_heads",
                "divide");
        readFails(MISTRAL_7B.replace("\"vocab_size\": 32000", "\"vocab_size\": \"32000\""), "vocab_size", "integer");
        readFails(MISTRAL_7B.replace("\"num_hidden_layers\": 32", "\"num_hidden_layers\": 0"), "num_hidden_layers");
        readFails(MISTRAL_7B.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""), "hidden_act", "gelu");
        readFails(MISTRAL_7B.replace("\"eos_token_id\": 2", "\"eos_token_id\": \"</s>\""), "eos_token_id");
        readFails(LLAMA_31_8B.replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"longrope\""),
                "rope_scaling.rope_type", "longrope");
        readFails(LLAMA_31_8B.replace("\"low_freq_factor\": 1.0,", ""), "rope_scaling.low_freq_factor");
        readFails("[1, 2]", "JSON object");
        readFails("{\"architectures\": [", "not valid JSON");
    }

    @Test
    void missingConfigFileIsNamed() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelConfig.read(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()));
    }

    @Test
    void generationConfig() throws IOException {
        assertEquals(new GenerationConfig(List.of(), null, null, null, null, null, null), GenerationConfig.read(dir));
        Files.writeString(dir.resolve("generation_config.json"), """
                {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
                 "repetition_penalty": 1.1, "temperature": 0.7, "top_p": 0.8, "top_k": 20,
                 "transformers_version": "4.37.0"}
                """);
        assertEquals(new GenerationConfig(List.of(151645, 151643), 151643, 0.7, 0.8, 20, 1.1, null),
                GenerationConfig.read(dir));
        Files.writeString(dir.resolve("generation_config.json"), "{\"top_k\": \"many\"}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> GenerationConfig.read(dir));
        assertTrue(e.getMessage().contains("top_k") && e.getMessage().contains("generation_config.json"));
    }
}
