package dev.lorafoundry.defaultmodel;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Serves the shipped default model (models/foundry-tiny) with the shipped pirate adapter, copied into a folder under
 * target/ so the tests never write into the working tree's adapters/, with a fresh data directory (embedded Redis).
 * {@code -Ddefault-model.dir=DIR} tests a model re-created by bin/make-default-model instead: DIR/foundry-tiny and
 * DIR/pirate.
 */
public class DefaultModelProfile implements QuarkusTestProfile {

    static final Path SOURCE = System.getProperty("default-model.dir") == null ? null
            : Path.of(System.getProperty("default-model.dir"));
    static final Path MODEL = SOURCE == null ? Path.of("models/foundry-tiny") : SOURCE.resolve("foundry-tiny");
    static final Path ADAPTER = SOURCE == null ? Path.of("adapters/pirate") : SOURCE.resolve("pirate");
    static final String DATA_DIR = "target/default-model-test/" + System.currentTimeMillis();

    @Override
    public Map<String, String> getConfigOverrides() {
        Path adapters = Path.of(DATA_DIR, "adapters");
        try {
            Path target = adapters.resolve("pirate");
            Files.createDirectories(target);
            for (String file : new String[] {"adapter_config.json", "adapter_model.safetensors"}) {
                Files.copy(ADAPTER.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the pirate adapter must be in " + ADAPTER.toAbsolutePath(), e);
        }
        return Map.of("lorafoundry.model.path", MODEL.toString(), "lorafoundry.adapters.dir", adapters.toString(),
                "lorafoundry.data-dir", DATA_DIR);
    }
}
