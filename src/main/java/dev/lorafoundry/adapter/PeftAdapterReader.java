package dev.lorafoundry.adapter;

import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.ModelLoadException;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.TensorInfo;
import dev.lorafoundry.model.lora.LoraProjection;
import dev.lorafoundry.model.lora.LoraWeights;
import dev.lorafoundry.model.lora.ProjectionKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEFT LoRA adapter folder ({@code adapter_config.json} + {@code adapter_model.safetensors}, F32/BF16/F16/F64)
 * for one base model, checking every tensor against the config and the model's shapes.
 */
public final class PeftAdapterReader {

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String PICKLE_FILE = "adapter_model.bin";
    /** PEFT's prefix for a causal LM's modules in the saved state dict. */
    public static final String KEY_PREFIX = "base_model.model.";

    private static final Pattern KEY = Pattern.compile(Pattern.quote(KEY_PREFIX)
            + "(?<module>.+)\\.(?<part>lora_A\\.weight|lora_B\\.weight|lora_magnitude_vector(?:\\.weight)?)");
    private static final Set<String> FLOAT_DTYPES = Set.of("F32", "BF16", "F16", "F64");

    private PeftAdapterReader() {}

    /** Reads the adapter in folder for the base model config; any problem is an {@link AdapterFormatException}. */
    public static LoadedAdapter read(Path folder, ModelConfig model) {
        if (!Files.isDirectory(folder)) {
            throw new AdapterFormatException("adapter folder " + folder + " does not exist or is not a folder");
        }
        AdapterConfig config = AdapterConfig.read(folder.resolve(AdapterConfig.FILE_NAME));
        config.requireSupportedTargets(model);
        Path weightsFile = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) {
            if (Files.isRegularFile(folder.resolve(PICKLE_FILE))) {
                throw new AdapterFormatException(folder + " has " + PICKLE_FILE + " (a pickle) but no " + WEIGHTS_FILE
                        + "; pickles are not loaded, convert to safetensors (load it with PEFT and save_pretrained with "
                        + "safe_serialization=True)");
            }
            throw new AdapterFormatException(folder + " has no " + WEIGHTS_FILE + "; a PEFT adapter folder needs it next "
                    + "to " + AdapterConfig.FILE_NAME);
        }
        try (SafetensorsReader reader = openWeights(weightsFile)) {
            return new LoadedAdapter(config, readWeights(reader, weightsFile, config, model));
        }
    }

    private static SafetensorsReader openWeights(Path file) {
        try {
            return SafetensorsReader.openFile(file);
        } catch (ModelLoadException e) {
            // Its message already names the file and, where one is at fault, the tensor.
            throw new AdapterFormatException(e.getMessage(), e);
        }
    }

    private static LoraWeights readWeights(SafetensorsReader reader, Path file, AdapterConfig config, ModelConfig model) {
        checkNames(reader.tensorNames(), file, config, model);
        LoraProjection[][] projections = new LoraProjection[model.numLayers()][ProjectionKind.values().length];
        for (int layer = 0; layer < model.numLayers(); layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                if (config.targets(layer, kind)) {
                    projections[layer][kind.ordinal()] = readProjection(reader, file, config, model, layer, kind);
                }
            }
        }
        return new LoraWeights(projections);
    }

    /** Every tensor must be lora_A / lora_B / DoRA magnitude of a projection the config targets. */
    private static void checkNames(Set<String> names, Path file, AdapterConfig config, ModelConfig model) {
        Set<String> projectionModules = new HashSet<>();
        for (int layer = 0; layer < model.numLayers(); layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                projectionModules.add(kind.moduleName(layer));
            }
        }
        for (String name : new TreeSet<>(names)) {
            Matcher key = KEY.matcher(name);
            if (!key.matches()) {
                throw new AdapterFormatException(file + ": tensor '" + name + "' is not a LoRA weight; expected names "
                        + "like " + tensorName(0, ProjectionKind.Q, "lora_A.weight") + " (lora_A.weight, lora_B.weight"
                        + (config.useDora() ? ", lora_magnitude_vector" : "") + ")");
            }
            String module = key.group("module");
            if (!projectionModules.contains(module)) {
                throw new AdapterFormatException(file + ": tensor '" + name + "' belongs to module \"" + module
                        + "\", which is not a projection of the " + model.architecture() + " with "
                        + model.numLayers() + " layers that LoRA Foundry adapts");
            }
            if (!config.targets(module)) {
                throw new AdapterFormatException(file + ": tensor '" + name + "' is for module \"" + module
                        + "\", which " + config.file().getFileName() + " does not target (check target_modules, "
                        + "layers_to_transform and exclude_modules)");
            }
            if (key.group("part").startsWith("lora_magnitude_vector") && !config.useDora()) {
                throw new AdapterFormatException(file + ": tensor '" + name + "' is a DoRA magnitude, but "
                        + config.file().getFileName() + " has use_dora false; set use_dora true or remove the tensor");
            }
        }
    }

    private static LoraProjection readProjection(SafetensorsReader reader, Path file, AdapterConfig config,
            ModelConfig model, int layer, ProjectionKind kind) {
        ProjectionDims dims = ProjectionDims.of(model, kind);
        int rank = config.rank(layer, kind);
        String rankSource = "r=" + rank + (rank == config.r() ? "" : " from rank_pattern");
        String dimsSource = "from config.json";
        float[] a = readTensor(reader, file, tensorName(layer, kind, "lora_A.weight"), new long[] {rank, dims.in()},
                "[r, in_features] with " + rankSource + " and in_features " + dimsSource);
        float[] b = readTensor(reader, file, tensorName(layer, kind, "lora_B.weight"), new long[] {dims.out(), rank},
                "[out_features, r] with out_features " + dimsSource + " and " + rankSource);
        float[] magnitude = null;
        if (config.useDora()) {
            String name = tensorName(layer, kind, "lora_magnitude_vector");
            if (!reader.contains(name) && reader.contains(name + ".weight")) {
                name = name + ".weight";
            }
            magnitude = readTensor(reader, file, name, new long[] {dims.out()},
                    "[out_features] " + dimsSource + " (DoRA, use_dora is true)");
        }
        return new LoraProjection(rank, dims.in(), dims.out(), a, b, (float) config.scale(layer, kind), magnitude);
    }

    private static float[] readTensor(SafetensorsReader reader, Path file, String name, long[] shape, String why) {
        if (!reader.contains(name)) {
            throw new AdapterFormatException(file + ": tensor '" + name + "' is missing; the config targets this "
                    + "module, so it needs shape " + Arrays.toString(shape) + " (" + why + ")");
        }
        TensorInfo info = reader.info(name);
        if (!FLOAT_DTYPES.contains(info.dtype())) {
            throw new AdapterFormatException(file + ": tensor '" + name + "' has dtype " + info.dtype()
                    + "; LoRA weights must be F32, BF16, F16 or F64");
        }
        if (!Arrays.equals(info.shape(), shape)) {
            throw new AdapterFormatException(file + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                    + " but must be " + Arrays.toString(shape) + " (" + why + ")");
        }
        float[] values;
        try {
            values = reader.readF32(name).toFloatArray();
        } catch (ModelLoadException e) {
            throw new AdapterFormatException(e.getMessage(), e);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new AdapterFormatException(file + ": tensor '" + name + "' holds " + values[i] + " at element "
                        + i + "; the adapter is corrupt (or diverged in training)");
            }
        }
        return values;
    }

    /** PEFT's saved name of one tensor: base_model.model.model.layers.{layer}.{self_attn|mlp}.{proj}.{part}. */
    public static String tensorName(int layer, ProjectionKind kind, String part) {
        return KEY_PREFIX + kind.moduleName(layer) + "." + part;
    }
}
