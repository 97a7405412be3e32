package dev.lorafoundry.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.model.ModelConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LoRA fixtures the tests write are byte for byte the ones the goldens in golden/lora were computed from, and
 * their adapters load; so an HTTP numerics test on them compares against the right numbers.
 */
class LoraFixturesTest {

    @TempDir
    Path dir;

    @Test
    void fixturesMatchTheirGoldensAndLoad() throws Exception {
        for (LoraFixtures.Fixture fixture : LoraFixtures.all()) {
            LoraFixtures.Folders folders = fixture.writeTo(dir);
            JsonNode golden;
            try (InputStream in = getClass().getResourceAsStream("/golden/lora/" + fixture.name() + ".json")) {
                golden = new ObjectMapper().readTree(in);
            }
            assertEquals(fixture.base(), golden.get("base").asText());
            assertEquals(fixture.promptIds().length, golden.get("promptIds").size());
            assertEquals(fixture.greedyTokens(), golden.get("greedyIds").size());
            assertTrue(golden.get("adapterEffect").asDouble() > 0.1, fixture.name() + ": the adapter must matter");
            int files = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("files").fields(); it.hasNext(); files++) {
                Map.Entry<String, JsonNode> file = it.next();
                byte[] bytes = Files.readAllBytes(dir.resolve(fixture.name()).resolve(file.getKey()));
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                assertEquals(file.getValue().asText(), sha, fixture.name() + "/" + file.getKey()
                        + " differs from the file the goldens were computed on; rerun "
                        + "tools/reference/regenerate-lora-goldens.sh");
            }
            assertTrue(files >= 4, "base config, weights, adapter config and adapter weights are all checked");
            LoadedAdapter adapter = PeftAdapterReader.read(folders.adapter(), ModelConfig.read(folders.base()));
            assertTrue(adapter.weights().maxRank() > 0);
        }
    }
}
