package dev.lorafoundry.testsupport;

import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.adapter.RandomAdapterWriter;
import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

    /** The test profile's adapters folder (%test.lorafoundry.adapters.dir), scanned when the service starts. */
    public static final Path ADAPTERS = Path.of("target/test-adapters");

    @Override
    public Map<String, String> start() {
        RandomModelWriter.write(SPEC, DIR);
        writeStartupAdapters();
        return Map.of();
    }

    /**
     * Two adapters the service finds at start-up: a good one, and one whose weights file is cut short (its config is
     * fine, so the scan lists it; the damage shows when its weights are first read).
     */
    private static void writeStartupAdapters() {
        RandomAdapterWriter.write(RandomAdapterSpec.simple("startup-good", 4, List.of("q_proj", "v_proj"), 3), DIR,
                ADAPTERS.resolve("startup-good"));
        Path broken = ADAPTERS.resolve("startup-broken");
        RandomAdapterWriter.write(RandomAdapterSpec.simple("startup-broken", 4, List.of("q_proj", "v_proj"), 4), DIR,
                broken);
        try {
            Path weights = broken.resolve(PeftAdapterReader.WEIGHTS_FILE);
            byte[] bytes = Files.readAllBytes(weights);
            Files.write(weights, Arrays.copyOf(bytes, bytes.length - 64));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The folder is under target/ and rewritten identically by the next run.
    }
}
