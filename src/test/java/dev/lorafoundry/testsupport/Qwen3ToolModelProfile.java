package dev.lorafoundry.testsupport;

import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Serves a random-weight Qwen3-shaped model with the real Qwen3 tokenizer and chat template (from ../shared), so tool
 * calling runs through the template and vocabulary users have.
 */
public class Qwen3ToolModelProfile implements QuarkusTestProfile {

    public static final Path DIR = Path.of("target/test-models/qwen3-random-real-tokenizer");
    static final Path QWEN3_TOKENIZER = Path.of("../shared/tokenizers/qwen3");

    static final RandomModelSpec SPEC = new RandomModelSpec("qwen3-random-real-tokenizer", "Qwen3ForCausalLM", 64, 128,
            2, 4, 2, 32, 151936, true, "F32", 1, null, 4096, 33L, 0.08);

    @Override
    public Map<String, String> getConfigOverrides() {
        RandomModelWriter.write(SPEC, DIR);
        try {
            for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                Files.copy(QWEN3_TOKENIZER.resolve(file), DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the Qwen3 tokenizer must be in " + QWEN3_TOKENIZER.toAbsolutePath(), e);
        }
        return Map.of("lorafoundry.model.path", DIR.toString(), "lorafoundry.model.name", "qwen3-random");
    }
}
