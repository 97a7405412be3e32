package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RoPE frequencies against golden/model/rope_frequencies.json, which make_rope_golden.py (next to it) produced with
 * transformers 5.17's own RoPE functions. Tolerance: 2 float32 ulps (pow may round differently in libm and Java).
 */
class RotaryEmbeddingTest {

    @TempDir
    Path dir;

    @Test
    void matchesTransformersForEveryRopeType() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/golden/model/rope_frequencies.json")) {
            cases = json.readTree(in);
        }
        int checked = 0;
        for (JsonNode golden : cases) {
            String name = golden.get("name").asText();
            ObjectNode config = (ObjectNode) golden.get("config").deepCopy();
            config.putArray("architectures").add("LlamaForCausalLM");
            config.put("intermediate_size", 32).put("num_hidden_layers", 1).put("vocab_size", 32);
            Files.writeString(dir.resolve("config.json"), json.writeValueAsString(config));
            RotaryEmbedding rope = RotaryEmbedding.of(ModelConfig.read(dir));
            int seqLen = golden.get("seqLen").isNull() ? 1 : golden.get("seqLen").asInt();
            float[] actual = rope.inverseFrequencies(seqLen);
            JsonNode expected = golden.get("inverseFrequencies");
            assertEquals(expected.size(), actual.length, name);
            for (int i = 0; i < actual.length; i++) {
                float want = (float) expected.get(i).asDouble();
                float ulps = Math.abs(want - actual[i]) / Math.ulp(want);
                assertTrue(ulps <= 2, name + " inv_freq[" + i + "]: want " + want + " got " + actual[i]);
            }
            assertEquals((float) golden.get("attentionScaling").asDouble(), rope.attentionScaling(), 1e-7f, name);
            checked++;
        }
        assertEquals(14, checked);
    }

    @Test
    void dynamicGrowsTheBaseOnlyBeyondMaxPositions() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 128, "intermediate_size": 32,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 32, "max_position_embeddings": 256,
                 "rope_scaling": {"rope_type": "dynamic", "factor": 4.0}}
                """);
        RotaryEmbedding rope = RotaryEmbedding.of(ModelConfig.read(dir));
        float[] short1 = rope.inverseFrequencies(10);
        float[] atMax = rope.inverseFrequencies(256);
        float[] beyond = rope.inverseFrequencies(1000);
        assertEquals(short1[5], atMax[5]);
        assertTrue(beyond[5] < atMax[5], "a larger base gives lower frequencies");
        assertEquals(1.0f, beyond[0], "the first frequency is always base^0");
    }
}
