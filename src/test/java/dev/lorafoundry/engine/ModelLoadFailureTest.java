package dev.lorafoundry.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.model.ModelLoadException;
import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.testsupport.EngineTestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder that cannot be served stops the engine at start-up with a message naming the file and the problem. */
class ModelLoadFailureTest {

    static final RandomModelSpec SPEC = new RandomModelSpec("broken", "LlamaForCausalLM", 32, 64, 2, 2, 1, null, 300,
            true, "F32", 1, null, 128, 3L, 0.05);

    @TempDir
    Path dir;

    private String startFails() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> new Engine(new EngineTestConfig(dir, 4, 0), new SimpleMeterRegistry()).close());
        return e.getMessage();
    }

    @Test
    void unsupportedArchitectureIsNamed() throws Exception {
        RandomModelWriter.write(SPEC, dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        String message = startFails();
        assertTrue(message.contains("GPT2LMHeadModel") && message.contains("config.json"), message);
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        RandomModelWriter.write(SPEC, dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3"));
        String message = startFails();
        assertTrue(message.contains("model.layers.2."), message);
    }

    @Test
    void truncatedWeightsFileIsNamed() throws Exception {
        RandomModelWriter.write(SPEC, dir);
        Path weights = dir.resolve("model.safetensors");
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        String message = startFails();
        assertTrue(message.contains("model.safetensors"), message);
    }

    @Test
    void missingFolderSaysWhichSettingToChange() {
        dir = dir.resolve("nope");
        String message = startFails();
        assertTrue(message.contains("lorafoundry.model.path"), message);
    }
}
