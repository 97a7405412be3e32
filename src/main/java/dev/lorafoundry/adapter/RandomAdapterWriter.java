package dev.lorafoundry.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.GaussianSource;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsDtype;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.SafetensorsWriter;
import dev.lorafoundry.model.lora.ProjectionKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a random PEFT LoRA adapter folder (adapter_config.json in PEFT 0.21's layout, adapter_model.safetensors with
 * PEFT's tensor names, sorted as PEFT saves them) for the base model in a Hugging Face folder.
 *
 * <p>For each targeted projection, layer by layer in {@link ProjectionKind} order, one {@link GaussianSource} seeded
 * with spec.seed draws: lora_A [r × in] ~ N(0, 1/in), so A·x has unit-variance entries; lora_B [out × r] ~
 * N(0, deltaStd² / (scale²·r)), so scale·B·A·x has standard deviation deltaStd (B is non-zero, unlike PEFT's init,
 * so the adapter changes the output); with DoRA, the magnitude m = ‖W + scale·B·A‖ per output row times
 * exp(0.2·N(0, 1)), so it rescales each row by a different factor near 1 (W read from the base model's weights).
 * Values are rounded to the spec's dtype when written.
 */
public final class RandomAdapterWriter {

    private static final double MAGNITUDE_LOG_STD = 0.2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RandomAdapterWriter() {}

    /** Writes the adapter into adapterDir for the model in modelDir, and returns the config it wrote. */
    public static AdapterConfig write(RandomAdapterSpec spec, Path modelDir, Path adapterDir) {
        validate(spec);
        ModelConfig model = ModelConfig.read(modelDir);
        Path configFile = adapterDir.resolve(AdapterConfig.FILE_NAME);
        ObjectNode configJson = configJson(spec);
        AdapterConfig config = AdapterConfig.parse(configJson, configFile);
        config.requireSupportedTargets(model);
        try {
            Files.createDirectories(adapterDir);
            Files.writeString(configFile, JSON.writeValueAsString(configJson) + "\n");
        } catch (IOException e) {
            throw new AdapterFormatException("cannot write " + configFile + ": " + e.getMessage(), e);
        }
        Map<String, FloatTensor> tensors = randomTensors(spec, config, model, modelDir);
        SafetensorsWriter.write(adapterDir.resolve(PeftAdapterReader.WEIGHTS_FILE), new TreeMap<>(tensors),
                spec.dtype(), Map.of());
        return config;
    }

    private static Map<String, FloatTensor> randomTensors(RandomAdapterSpec spec, AdapterConfig config,
            ModelConfig model, Path modelDir) {
        GaussianSource gaussian = new GaussianSource(spec.seed());
        Map<String, FloatTensor> tensors = new TreeMap<>();
        SafetensorsReader base = spec.useDora() ? SafetensorsReader.open(modelDir) : null;
        try {
            for (int layer = 0; layer < model.numLayers(); layer++) {
                for (ProjectionKind kind : ProjectionKind.values()) {
                    if (!config.targets(layer, kind)) {
                        continue;
                    }
                    ProjectionDims dims = ProjectionDims.of(model, kind);
                    int rank = config.rank(layer, kind);
                    double scale = config.scale(layer, kind);
                    float[] a = draw(gaussian, rank * dims.in(), 1.0 / Math.sqrt(dims.in()));
                    float[] b = draw(gaussian, dims.out() * rank, spec.deltaStd() / (scale * Math.sqrt(rank)));
                    put(tensors, PeftAdapterReader.tensorName(layer, kind, "lora_A.weight"), rank, dims.in(), a);
                    put(tensors, PeftAdapterReader.tensorName(layer, kind, "lora_B.weight"), dims.out(), rank, b);
                    if (spec.useDora()) {
                        float[] w = base.readF32(kind.moduleName(layer) + ".weight").toFloatArray();
                        String name = PeftAdapterReader.tensorName(layer, kind, "lora_magnitude_vector");
                        tensors.put(name, FloatTensor.of(name, new long[] {dims.out()},
                                magnitude(gaussian, w, a, b, dims, rank, scale)));
                    }
                }
            }
        } finally {
            if (base != null) {
                base.close();
            }
        }
        return tensors;
    }

    private static float[] magnitude(GaussianSource gaussian, float[] w, float[] a, float[] b, ProjectionDims dims,
            int rank, double scale) {
        float[] m = new float[dims.out()];
        for (int row = 0; row < dims.out(); row++) {
            double sumSquares = 0;
            for (int col = 0; col < dims.in(); col++) {
                double delta = 0;
                for (int k = 0; k < rank; k++) {
                    delta += (double) b[row * rank + k] * a[k * dims.in() + col];
                }
                double v = w[row * dims.in() + col] + scale * delta;
                sumSquares += v * v;
            }
            m[row] = (float) (Math.sqrt(sumSquares) * Math.exp(MAGNITUDE_LOG_STD * gaussian.next()));
        }
        return m;
    }

    private static float[] draw(GaussianSource gaussian, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (std * gaussian.next());
        }
        return values;
    }

    private static void put(Map<String, FloatTensor> tensors, String name, int rows, int cols, float[] values) {
        tensors.put(name, FloatTensor.of(name, new long[] {rows, cols}, values));
    }

    private static void validate(RandomAdapterSpec spec) {
        String where = "random adapter spec '" + spec.name() + "'";
        if ((spec.targetModules() == null) == (spec.targetRegex() == null)) {
            throw new AdapterFormatException(where + ": give exactly one of targetModules (a list) and targetRegex");
        }
        if (spec.rank() <= 0) {
            throw new AdapterFormatException(where + ": rank must be positive, got " + spec.rank());
        }
        if (!(spec.deltaStd() > 0)) {
            throw new AdapterFormatException(where + ": deltaStd must be positive, got " + spec.deltaStd());
        }
        SafetensorsDtype.parseWritable(spec.dtype());
    }

    /** Integral alphas as JSON integers, as PEFT writes them (its lora_alpha is typed int). */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < Integer.MAX_VALUE) {
            node.put(field, (int) value);
        } else {
            node.put(field, value);
        }
    }

    /** adapter_config.json with every key PEFT 0.21 writes, at PEFT's defaults except the spec's own fields. */
    static ObjectNode configJson(RandomAdapterSpec spec) {
        ObjectNode c = JSON.createObjectNode();
        c.putNull("alora_invocation_tokens");
        ObjectNode alphaPattern = c.putObject("alpha_pattern");
        if (spec.alphaPattern() != null) {
            spec.alphaPattern().forEach((key, alpha) -> putNumber(alphaPattern, key, alpha));
        }
        c.putNull("arrow_config");
        c.putNull("auto_mapping");
        c.putNull("base_model_name_or_path");
        c.put("bias", "none");
        c.putNull("corda_config");
        c.put("ensure_weight_tying", false);
        c.putNull("eva_config");
        c.putNull("exclude_modules");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.putNull("kasa_config");
        c.putNull("layer_replication");
        c.putNull("layers_pattern");
        if (spec.layersToTransform() == null) {
            c.putNull("layers_to_transform");
        } else {
            ArrayNode layers = c.putArray("layers_to_transform");
            spec.layersToTransform().forEach(layers::add);
        }
        c.putObject("loftq_config");
        putNumber(c, "lora_alpha", spec.alpha());
        c.put("lora_bias", false);
        c.put("lora_dropout", 0.0);
        c.putNull("lora_ga_config");
        c.putNull("megatron_config");
        c.put("megatron_core", "megatron.core");
        c.putNull("modules_to_save");
        c.putNull("monteclora_config");
        c.put("peft_type", "LORA");
        c.put("peft_version", "0.21.0");
        c.put("qalora_group_size", 16);
        c.put("r", spec.rank());
        ObjectNode rankPattern = c.putObject("rank_pattern");
        if (spec.rankPattern() != null) {
            spec.rankPattern().forEach(rankPattern::put);
        }
        c.putNull("revision");
        if (spec.targetModules() != null) {
            ArrayNode targets = c.putArray("target_modules");
            List.copyOf(spec.targetModules()).forEach(targets::add);
        } else {
            c.put("target_modules", spec.targetRegex());
        }
        c.putNull("target_parameters");
        c.put("task_type", "CAUSAL_LM");
        c.putNull("trainable_token_indices");
        c.putNull("use_bdlora");
        c.put("use_dora", spec.useDora());
        c.put("use_qalora", false);
        c.put("use_rslora", spec.useRslora());
        c.putNull("velora_config");
        return c;
    }
}
