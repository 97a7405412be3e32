package dev.lorafoundry.defaultmodel;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Serves the shipped default model (models/foundry-tiny) with the shipped pirate adapter, copied into an adapters
 * folder under target/ so the tests never write into the working tree's adapters/.
 */
public class DefaultModelProfile implements QuarkusTestProfile {

    static final Path MODEL = Path.of("models/foundry-tiny");
    static final Path ADAPTER = Path.of("adapters/pirate");
    static final Path ADAPTERS_DIR = Path.of("target/test-default-model-adapters");

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path target = ADAPTERS_DIR.resolve("pirate");
            Files.createDirectories(target);
            for (String file : new String[] {"adapter_config.json", "adapter_model.safetensors"}) {
                Files.copy(ADAPTER.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the pirate adapter must be in " + ADAPTER.toAbsolutePath(), e);
        }
        return Map.of("lorafoundry.model.path", MODEL.toString(), "lorafoundry.adapters.dir", ADAPTERS_DIR.toString());
    }
}
