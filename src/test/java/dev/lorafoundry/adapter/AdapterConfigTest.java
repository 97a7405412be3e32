package dev.lorafoundry.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * adapter_config.json semantics: which projections are adapted, with which rank and scale. The expected values came
 * from PEFT 0.21.0 itself (transformers 5.17.0): tools/reference/peft_target_cases.py applies each config with
 * get_peft_model to a 4-layer LlamaForCausalLM and prints every adapted module as "layer.module:r:scaling".
 */
class AdapterConfigTest {

    private static final Path FILE = Path.of("adapter_config.json");
    /** The same shape as the model peft_target_cases.py uses: 4 layers, hidden 64, intermediate 96, 2 kv heads. */
    private static final ModelConfig LLAMA_4_LAYERS = new ModelConfig("LlamaForCausalLM", "llama", 64, 96, 4, 4, 2, 16,
            96, 1e-6, 10000.0, null, 2048, false, false, false, List.of(), null);

    private static AdapterConfig config(String json) {
        try {
            AdapterConfig config = AdapterConfig.parse(new ObjectMapper().readTree(json), FILE);
            config.requireSupportedTargets(LLAMA_4_LAYERS);
            return config;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    /** Every adapted projection as "layer.module:r:scale", in layer then ProjectionKind order, like the script prints. */
    private static String adapted(AdapterConfig config) {
        List<String> modules = new ArrayList<>();
        for (int layer = 0; layer < LLAMA_4_LAYERS.numLayers(); layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                if (config.targets(layer, kind)) {
                    modules.add(layer + "." + kind.moduleName() + ":" + config.rank(layer, kind) + ":"
                            + config.scale(layer, kind));
                }
            }
        }
        return String.join(" ", modules);
    }

    private static void assertAdapted(String expectedFromPeft, String configJson) {
        assertEquals(expectedFromPeft, adapted(config("{\"peft_type\": \"LORA\", " + configJson + "}")));
    }

    @Test
    void listMatchesModuleNamesBySuffix() {
        assertAdapted("0.q_proj:8:2.0 0.v_proj:8:2.0 1.q_proj:8:2.0 1.v_proj:8:2.0 2.q_proj:8:2.0 2.v_proj:8:2.0 "
                + "3.q_proj:8:2.0 3.v_proj:8:2.0", "\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"v_proj\"]");
    }

    @Test
    void listEntriesMayBeFullNamesOrLongerSuffixes() {
        assertAdapted("0.k_proj:8:2.0 1.k_proj:8:2.0 1.down_proj:8:2.0 2.k_proj:8:2.0 2.o_proj:8:2.0 3.k_proj:8:2.0",
                "\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"layers.1.mlp.down_proj\", "
                        + "\"model.layers.2.self_attn.o_proj\", \"k_proj\"]");
    }

    @Test
    void regexMustMatchTheWholeName() {
        assertAdapted("0.q_proj:4:2.0 0.k_proj:4:2.0 1.q_proj:4:2.0 1.k_proj:4:2.0 2.q_proj:4:2.0 2.k_proj:4:2.0 "
                + "3.q_proj:4:2.0 3.k_proj:4:2.0", "\"r\": 4, \"lora_alpha\": 8, \"target_modules\": \".*\\\\.(q|k)_proj\"");
        assertAdapted("1.gate_proj:4:2.0 1.up_proj:4:2.0 1.down_proj:4:2.0 3.gate_proj:4:2.0 3.up_proj:4:2.0 "
                + "3.down_proj:4:2.0", "\"r\": 4, \"lora_alpha\": 8, "
                + "\"target_modules\": \"model\\\\.layers\\\\.[13]\\\\.mlp\\\\.\\\\w+_proj\"");
    }

    @Test
    void allLinearInAnyCaseIsEveryProjection() {
        assertAdapted("0.q_proj:2:1.0 0.k_proj:2:1.0 0.v_proj:2:1.0 0.o_proj:2:1.0 0.gate_proj:2:1.0 0.up_proj:2:1.0 "
                + "0.down_proj:2:1.0 1.q_proj:2:1.0 1.k_proj:2:1.0 1.v_proj:2:1.0 1.o_proj:2:1.0 1.gate_proj:2:1.0 "
                + "1.up_proj:2:1.0 1.down_proj:2:1.0 2.q_proj:2:1.0 2.k_proj:2:1.0 2.v_proj:2:1.0 2.o_proj:2:1.0 "
                + "2.gate_proj:2:1.0 2.up_proj:2:1.0 2.down_proj:2:1.0 3.q_proj:2:1.0 3.k_proj:2:1.0 3.v_proj:2:1.0 "
                + "3.o_proj:2:1.0 3.gate_proj:2:1.0 3.up_proj:2:1.0 3.down_proj:2:1.0",
                "\"r\": 2, \"lora_alpha\": 2, \"target_modules\": \"All-Linear\"");
    }

    @Test
    void layersToTransformAsIntAsListAndWithLayersPattern() {
        assertAdapted("2.q_proj:8:1.0 2.down_proj:8:1.0", "\"r\": 8, \"lora_alpha\": 8, "
                + "\"target_modules\": [\"q_proj\", \"down_proj\"], \"layers_to_transform\": 2");
        assertAdapted("0.gate_proj:8:1.0 3.gate_proj:8:1.0", "\"r\": 8, \"lora_alpha\": 8, "
                + "\"target_modules\": [\"gate_proj\"], \"layers_to_transform\": [0, 3], \"layers_pattern\": \"layers\"");
        assertAdapted("1.o_proj:8:1.0", "\"r\": 8, \"lora_alpha\": 8, \"target_modules\": [\"o_proj\"], "
                + "\"layers_to_transform\": [1], \"layers_pattern\": [\"h\", \"layers\"]");
    }

    @Test
    void excludeModulesAsRegexAndAsList() {
        assertAdapted("3.q_proj:8:1.0 3.k_proj:8:1.0 3.v_proj:8:1.0 3.o_proj:8:1.0 3.gate_proj:8:1.0 3.up_proj:8:1.0 "
                + "3.down_proj:8:1.0", "\"r\": 8, \"lora_alpha\": 8, \"target_modules\": \"all-linear\", "
                + "\"exclude_modules\": \".*\\\\.layers\\\\.[0-2]\\\\..*\"");
        assertAdapted("0.up_proj:8:1.0 1.up_proj:8:1.0 2.up_proj:8:1.0", "\"r\": 8, \"lora_alpha\": 8, "
                + "\"target_modules\": [\"q_proj\", \"up_proj\"], \"exclude_modules\": [\"q_proj\", \"layers.3.mlp.up_proj\"]");
    }

    @Test
    void rankAndAlphaPatternsTakeTheFirstMatchingKeyInFileOrder() {
        assertAdapted("0.q_proj:4:4.0 0.v_proj:8:4.0 1.q_proj:6:0.5 1.v_proj:8:4.0 2.q_proj:6:2.6666666666666665 "
                + "2.v_proj:12:2.6666666666666665 3.q_proj:6:2.6666666666666665 3.v_proj:12:2.6666666666666665",
                "\"r\": 8, \"lora_alpha\": 16, \"target_modules\": [\"q_proj\", \"v_proj\"], \"rank_pattern\": "
                        + "{\"model.layers.0.self_attn.q_proj\": 4, \"q_proj\": 6, \"layers\\\\.[23]\\\\..*\": 12}, "
                        + "\"alpha_pattern\": {\"v_proj\": 32, \"^model.layers.1.*\": 3}");
    }

    @Test
    void rsloraScalesByAlphaOverRootRank() {
        assertAdapted("0.k_proj:4:4.0 0.down_proj:16:2.0 1.k_proj:4:4.0 1.down_proj:16:2.0 2.k_proj:4:4.0 "
                + "2.down_proj:16:2.0 3.k_proj:4:4.0 3.down_proj:16:0.5", "\"r\": 16, \"lora_alpha\": 8, "
                + "\"use_rslora\": true, \"target_modules\": [\"k_proj\", \"down_proj\"], \"rank_pattern\": "
                + "{\"self_attn\\\\.(k|v)_proj\": 4}, \"alpha_pattern\": {\"layers.3.mlp.down_proj\": 2}");
    }

    @Test
    void peftDefaultsApplyWhenFieldsAreAbsent() {
        // PEFT's LoraConfig defaults: r=8, lora_alpha=8; target_modules null means q_proj, v_proj for these models.
        AdapterConfig config = config("{\"peft_type\": \"LORA\"}");
        assertEquals(8, config.rank(0, ProjectionKind.Q));
        assertEquals(1.0, config.scale(0, ProjectionKind.V));
        assertTrue(config.targets(3, ProjectionKind.V));
        assertFalse(config.targets(3, ProjectionKind.K));
    }

    @Test
    void irrelevantAndUnknownKeysAreAccepted() {
        AdapterConfig config = config("{\"peft_type\": \"LORA\", \"task_type\": \"CAUSAL_LM\", \"revision\": null, "
                + "\"inference_mode\": true, \"init_lora_weights\": \"pissa\", \"lora_dropout\": 0.05, "
                + "\"fan_in_fan_out\": true, \"some_future_peft_option\": {\"x\": 1}, \"target_modules\": [\"q_proj\"], "
                + "\"modules_to_save\": null, \"bias\": \"none\", \"use_dora\": false, \"layer_replication\": null}");
        assertTrue(config.targets(0, ProjectionKind.Q));
    }

    private static String error(String json) {
        return assertThrows(AdapterFormatException.class, () -> config(json)).getMessage();
    }

    @Test
    void unsupportedOptionsAreLoadErrorsNamingTheField() {
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"modules_to_save\": "
                + "[\"lm_head\"]}").contains("\"modules_to_save\""));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"bias\": \"all\"}")
                .contains("\"bias\""));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"lora_bias\": true}")
                .contains("\"lora_bias\""));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"trainable_token_indices\": "
                + "[1, 2]}").contains("\"trainable_token_indices\""));
        assertTrue(error("{\"peft_type\": \"IA3\", \"target_modules\": [\"q_proj\"]}").contains("\"peft_type\""));
        assertTrue(error("{\"target_modules\": [\"q_proj\"]}").contains("\"peft_type\" is missing"));
    }

    @Test
    void targetsOutsideTheSevenProjectionsAreErrorsNamingThem() {
        String lmHead = error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\", \"lm_head\"]}");
        assertTrue(lmHead.contains("\"lm_head\"") && lmHead.contains("does not adapt"), lmHead);
        String embedding = error("{\"peft_type\": \"LORA\", \"target_modules\": \".*(embed_tokens|q_proj)\"}");
        assertTrue(embedding.contains("\"model.embed_tokens\""), embedding);
        String gpt2 = error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\", \"c_attn\"]}");
        assertTrue(gpt2.contains("\"c_attn\"") && gpt2.contains("not a module"), gpt2);
        String mlp = error("{\"peft_type\": \"LORA\", \"target_modules\": [\"mlp\"]}");
        assertTrue(mlp.contains("\"model.layers.0.mlp\""), mlp);
    }

    @Test
    void layerAndPatternMistakesAreErrorsNamingTheField() {
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"layers_to_transform\": [1, 4]}")
                .contains("\"layers_to_transform\" names layer 4"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": \"all-linear\", \"layers_to_transform\": 1}")
                .contains("\"layers_to_transform\" cannot be used"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"layers_to_transform\": [1], "
                + "\"layers_pattern\": \"h\"}").contains("selects no module"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"rank_pattern\": {\"q_proj\": 0}}")
                .contains("\"rank_pattern\" maps \"q_proj\" to 0"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": \"q_proj(\"}")
                .contains("\"target_modules\" is not a valid regular expression"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": [\"q_proj\"], \"r\": 2.5}")
                .contains("\"r\" is 2.5"));
        assertTrue(error("{\"peft_type\": \"LORA\", \"target_modules\": []}").contains("empty list"));
    }
}
