package dev.lorafoundry.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A resumable checkpoint folder {@code checkpoint-<step>}: the adapter (PEFT format, servable as is), the AdamW
 * moments ({@code optimizer.safetensors}, float32 like the parameters) and {@code trainer_state.json} (optimizer
 * steps, which fixes the learning rate and the data position; the seed, from which batch order, dropout masks and
 * NEFTune noise of every step derive; the run's counters). Written to a temporary folder and renamed, so a crash
 * never leaves half a checkpoint.
 *
 * @param step          optimizer steps done
 * @param totalSteps    steps the run was planned for
 * @param seed          the run's seed
 * @param trainedTokens tokens trained on so far
 * @param elapsedSeconds training time so far
 */
public record TrainingCheckpoint(int step, int totalSteps, long seed, long trainedTokens, double elapsedSeconds) {

    public static final String STATE_FILE = "trainer_state.json";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Path folder(Path outputDir, int step) {
        return outputDir.resolve("checkpoint-" + step);
    }

    /** Saves parameters, optimizer and this state under {@code outputDir/checkpoint-<step>}; returns the folder. */
    Path save(Path outputDir, LoraParameters parameters, AdamW optimizer, double dropout, String baseModel) {
        Path target = folder(outputDir, step);
        Path temporary = outputDir.resolve(".checkpoint-" + step + ".tmp");
        try {
            deleteRecursively(temporary);
            PeftAdapterWriter.write(temporary, parameters, dropout, baseModel);
            Map<String, FloatTensor> moments = new TreeMap<>();
            List<String> names = parameters.tensorNames();
            for (int t = 0; t < names.size(); t++) {
                long[] shape = {parameters.tensors().get(t).length};
                String m = names.get(t) + ".exp_avg";
                String v = names.get(t) + ".exp_avg_sq";
                moments.put(m, FloatTensor.of(m, shape, optimizer.firstMoments().get(t)));
                moments.put(v, FloatTensor.of(v, shape, optimizer.secondMoments().get(t)));
            }
            SafetensorsWriter.write(temporary.resolve(OPTIMIZER_FILE), moments, "F32", Map.of());
            ObjectNode state = JSON.createObjectNode();
            state.put("global_step", step);
            state.put("max_steps", totalSteps);
            state.put("seed", seed);
            state.put("trained_tokens", trainedTokens);
            state.put("elapsed_seconds", elapsedSeconds);
            state.put("optimizer_steps", optimizer.steps());
            Files.writeString(temporary.resolve(STATE_FILE), JSON.writeValueAsString(state) + "\n");
            deleteRecursively(target);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads the state of a checkpoint folder. */
    static TrainingCheckpoint read(Path folder) {
        Path file = folder.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("resume_from_checkpoint " + folder + " is not a checkpoint: it has no "
                    + STATE_FILE + " (point it at an output_dir/checkpoint-<step> folder)");
        }
        try {
            JsonNode state = JSON.readTree(Files.readString(file));
            return new TrainingCheckpoint(state.path("global_step").asInt(), state.path("max_steps").asInt(),
                    state.path("seed").asLong(), state.path("trained_tokens").asLong(),
                    state.path("elapsed_seconds").asDouble());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The parameters saved in a checkpoint folder. */
    static LoraParameters readParameters(Path folder, ModelConfig model) {
        return LoraParameters.fromAdapter(PeftAdapterReader.read(folder, model), model);
    }

    /** Restores the optimizer moments of a checkpoint folder into {@code optimizer}. */
    static void restoreOptimizer(Path folder, LoraParameters parameters, AdamW optimizer, int steps) {
        Path file = folder.resolve(OPTIMIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint " + folder + " has no " + OPTIMIZER_FILE
                    + "; it cannot be resumed (only its adapter can be used as init_adapter)");
        }
        try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
            List<float[]> first = new ArrayList<>();
            List<float[]> second = new ArrayList<>();
            for (String name : parameters.tensorNames()) {
                first.add(moment(reader, name + ".exp_avg", file));
                second.add(moment(reader, name + ".exp_avg_sq", file));
            }
            optimizer.restore(first, second, steps);
        }
    }

    private static float[] moment(SafetensorsReader reader, String name, Path file) {
        if (!reader.contains(name)) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "'; the checkpoint belongs to a run "
                    + "with other LoRA targets or layers");
        }
        return reader.readF32(name).toFloatArray();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
