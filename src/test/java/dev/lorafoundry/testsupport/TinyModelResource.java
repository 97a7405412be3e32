package dev.lorafoundry.testsupport;

import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the tiny random-weight Hugging Face model (byte-level BPE tokenizer, ChatML template) that the test profile
 * serves by default ({@code %test.lorafoundry.model.path} in application.properties). Test profiles that need
 * another model override that property.
 */
public class TinyModelResource implements QuarkusTestResourceLifecycleManager {

    public static final Path DIR = Path.of("target/test-models/tiny-random");

    public static final RandomModelSpec SPEC = new RandomModelSpec("tiny-random", "LlamaForCausalLM", 64, 160, 2, 4, 2,
            null, 512, true, "F32", 1, null, 1024, 5L, 0.08);

    @Override
    public Map<String, String> start() {
        RandomModelWriter.write(SPEC, DIR);
        return Map.of();
    }

    @Override
    public void stop() {
        // The folder is under target/ and rewritten identically by the next run.
    }
}
