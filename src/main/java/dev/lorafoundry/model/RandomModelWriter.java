package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a random-weight Hugging Face model folder (config.json, generation_config.json, safetensors, byte-level
 * tokenizer) that transformers loads. Also a CLI:
 * {@code --spec FILE.json [--name NAME] --out DIR} or {@code --preset placeholder --out DIR}.
 *
 * <p>Weights are drawn in tensor order (see {@link #tensorShapes}), each row-major, from one
 * {@link GaussianSource} seeded with spec.seed: matrices and embeddings ~ N(0, initStd), norm weights 1 + N(0, 0.1)
 * (so they matter), biases N(0, 0.1). Values are then rounded to the spec's dtype when written.
 */
public final class RandomModelWriter {

    public static final double ROPE_THETA = 10000.0;
    public static final double RMS_NORM_EPS = 1e-6;
    /** Merges the tokenizer gets when the vocabulary has room for them. */
    public static final int DEFAULT_MERGES = 200;
    private static final double NORM_AND_BIAS_STD = 0.1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RandomModelWriter() {}

    /** A tiny random-weight Llama with a byte-level tokenizer: loads and streams like a real model, writes garbage. */
    public static RandomModelSpec placeholderSpec() {
        return new RandomModelSpec("placeholder-random-tiny", "LlamaForCausalLM", 256, 768, 4, 4, 2, null, 512, true,
                "BF16", 1, null, 2048, 20250101L, 0.05);
    }

    public static void write(RandomModelSpec spec, Path dir) {
        ModelArchitecture arch = validate(spec);
        int mergeCount = Math.min(DEFAULT_MERGES, spec.vocabSize() - ByteLevelTokenizerWriter.size(0));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ModelConfig.FILE_NAME), JSON.writeValueAsString(configJson(spec, arch)) + "\n");
            Files.writeString(dir.resolve(GenerationConfig.FILE_NAME),
                    JSON.writeValueAsString(generationConfigJson()) + "\n");
        } catch (IOException e) {
            throw new ModelLoadException("cannot write the model config into " + dir + ": " + e.getMessage(), e);
        }
        ByteLevelTokenizerWriter.write(dir, mergeCount, spec.maxPositionEmbeddings());
        SafetensorsWriter.writeSharded(dir, randomTensors(spec, arch), spec.dtype(), spec.shards());
    }

    /** HF tensor names and shapes, in the order their values are drawn. */
    public static Map<String, long[]> tensorShapes(RandomModelSpec spec) {
        ModelArchitecture arch = validate(spec);
        long hidden = spec.hiddenSize();
        long headDim = spec.effectiveHeadDim();
        long qDim = spec.numHeads() * headDim;
        long kvDim = spec.numKvHeads() * headDim;
        long inter = spec.intermediateSize();
        boolean bias = arch.qkvBias(false);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {spec.vocabSize(), hidden});
        for (int i = 0; i < spec.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {hidden});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {qDim, hidden});
            if (bias) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {qDim});
            }
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kvDim, hidden});
            if (bias) {
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kvDim});
            }
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kvDim, hidden});
            if (bias) {
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kvDim});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {hidden, qDim});
            if (arch.qkNorm()) {
                shapes.put(p + "self_attn.q_norm.weight", new long[] {headDim});
                shapes.put(p + "self_attn.k_norm.weight", new long[] {headDim});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            shapes.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            shapes.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        }
        shapes.put("model.norm.weight", new long[] {hidden});
        if (!spec.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {spec.vocabSize(), hidden});
        }
        return shapes;
    }

    /** The float32 values before dtype rounding, drawn as the class comment describes. */
    public static Map<String, FloatTensor> randomTensors(RandomModelSpec spec) {
        return randomTensors(spec, validate(spec));
    }

    private static Map<String, FloatTensor> randomTensors(RandomModelSpec spec, ModelArchitecture arch) {
        GaussianSource gaussian = new GaussianSource(spec.seed());
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : tensorShapes(spec).entrySet()) {
            String name = e.getKey();
            float[] values = new float[Math.toIntExact(FloatTensor.numel(e.getValue()))];
            boolean norm = name.endsWith("norm.weight");
            boolean bias = name.endsWith(".bias");
            double std = norm || bias ? NORM_AND_BIAS_STD : spec.initStd();
            double mean = norm ? 1.0 : 0.0;
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (mean + std * gaussian.next());
            }
            tensors.put(name, FloatTensor.of(name, e.getValue(), values));
        }
        return tensors;
    }

    private static ModelArchitecture validate(RandomModelSpec spec) {
        String where = "random model spec '" + spec.name() + "'";
        ModelArchitecture arch = ModelArchitecture.fromHfName(spec.architecture()).orElseThrow(() ->
                new ModelLoadException(where + ": architecture '" + spec.architecture() + "' is not supported; use one of "
                        + ModelArchitecture.supportedNames()));
        requirePositive(where, "hiddenSize", spec.hiddenSize());
        requirePositive(where, "intermediateSize", spec.intermediateSize());
        requirePositive(where, "numLayers", spec.numLayers());
        requirePositive(where, "numHeads", spec.numHeads());
        requirePositive(where, "numKvHeads", spec.numKvHeads());
        requirePositive(where, "maxPositionEmbeddings", spec.maxPositionEmbeddings());
        requirePositive(where, "shards", spec.shards());
        if (spec.numHeads() % spec.numKvHeads() != 0) {
            throw new ModelLoadException(where + ": numKvHeads " + spec.numKvHeads() + " must divide numHeads "
                    + spec.numHeads());
        }
        if (spec.headDim() == null && spec.hiddenSize() % spec.numHeads() != 0) {
            throw new ModelLoadException(where + ": hiddenSize must be a multiple of numHeads, or set headDim");
        }
        if (spec.effectiveHeadDim() <= 0 || spec.effectiveHeadDim() % 2 != 0) {
            throw new ModelLoadException(where + ": headDim " + spec.effectiveHeadDim() + " must be positive and even");
        }
        int tokenizerSize = ByteLevelTokenizerWriter.size(0);
        if (spec.vocabSize() < tokenizerSize) {
            throw new ModelLoadException(where + ": vocabSize " + spec.vocabSize() + " is below the tokenizer's "
                    + tokenizerSize + " tokens (256 bytes + 3 special tokens); raise vocabSize");
        }
        if (!(spec.initStd() > 0)) {
            throw new ModelLoadException(where + ": initStd must be positive, got " + spec.initStd());
        }
        SafetensorsDtype.parseWritable(spec.dtype());
        return arch;
    }

    private static void requirePositive(String where, String field, int value) {
        if (value <= 0) {
            throw new ModelLoadException(where + ": " + field + " must be positive, got " + value);
        }
    }

    private static ObjectNode configJson(RandomModelSpec spec, ModelArchitecture arch) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(arch.hfName());
        c.put("model_type", arch.modelType());
        c.put("hidden_size", spec.hiddenSize());
        c.put("intermediate_size", spec.intermediateSize());
        c.put("num_hidden_layers", spec.numLayers());
        c.put("num_attention_heads", spec.numHeads());
        c.put("num_key_value_heads", spec.numKvHeads());
        if (spec.headDim() != null || arch == ModelArchitecture.QWEN3) {
            c.put("head_dim", spec.effectiveHeadDim());
        }
        c.put("vocab_size", spec.vocabSize());
        c.put("rms_norm_eps", RMS_NORM_EPS);
        c.put("rope_theta", ROPE_THETA);
        if (spec.ropeScaling() != null) {
            c.set("rope_scaling", ropeScalingJson(spec.ropeScaling()));
        } else {
            c.putNull("rope_scaling");
        }
        c.put("max_position_embeddings", spec.maxPositionEmbeddings());
        c.put("tie_word_embeddings", spec.tieWordEmbeddings());
        c.put("torch_dtype", SafetensorsDtype.parseWritable(spec.dtype()).torchDtype());
        c.put("hidden_act", "silu");
        c.put("initializer_range", spec.initStd());
        switch (arch) {
            case LLAMA -> {
                c.put("attention_bias", false);
                c.put("mlp_bias", false);
            }
            case QWEN3 -> c.put("attention_bias", false);
            case QWEN2 -> c.put("use_sliding_window", false);
            case MISTRAL -> c.putNull("sliding_window");
        }
        c.putNull("bos_token_id");
        c.put("eos_token_id", ByteLevelTokenizerWriter.IM_END_ID);
        c.put("pad_token_id", ByteLevelTokenizerWriter.END_OF_TEXT_ID);
        c.put("use_cache", true);
        return c;
    }

    private static ObjectNode ropeScalingJson(RopeScaling r) {
        ObjectNode s = JSON.createObjectNode();
        s.put("rope_type", r.type());
        s.put("factor", r.factor());
        switch (r.type()) {
            case "llama3" -> {
                s.put("low_freq_factor", r.lowFreqFactor());
                s.put("high_freq_factor", r.highFreqFactor());
                s.put("original_max_position_embeddings", r.originalMaxPositionEmbeddings());
            }
            case "yarn" -> {
                s.put("original_max_position_embeddings", r.originalMaxPositionEmbeddings());
                s.put("beta_fast", r.betaFast() == 0 ? RopeScaling.YARN_BETA_FAST : r.betaFast());
                s.put("beta_slow", r.betaSlow() == 0 ? RopeScaling.YARN_BETA_SLOW : r.betaSlow());
                if (r.attentionFactor() != null) {
                    s.put("attention_factor", r.attentionFactor());
                }
            }
            case "linear", "dynamic" -> { }
            default -> throw new ModelLoadException("rope_scaling type '" + r.type()
                    + "' cannot be written; use linear, dynamic, llama3 or yarn");
        }
        return s;
    }

    private static ObjectNode generationConfigJson() {
        ObjectNode g = JSON.createObjectNode();
        g.putArray("eos_token_id").add(ByteLevelTokenizerWriter.IM_END_ID).add(ByteLevelTokenizerWriter.END_OF_TEXT_ID);
        g.put("pad_token_id", ByteLevelTokenizerWriter.END_OF_TEXT_ID);
        g.put("do_sample", false);
        return g;
    }

    /** Reads a spec file: one spec object, or a JSON array of {"spec": {...}} entries picked by name. */
    public static RandomModelSpec readSpec(Path file, String name) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root.isObject()) {
                JsonNode spec = root.has("spec") ? root.get("spec") : root;
                return JSON.treeToValue(spec, RandomModelSpec.class);
            }
            List<String> names = new ArrayList<>();
            for (JsonNode entry : root) {
                JsonNode spec = entry.has("spec") ? entry.get("spec") : entry;
                String specName = spec.path("name").asText();
                names.add(specName);
                if (specName.equals(name) || (name == null && root.size() == 1)) {
                    return JSON.treeToValue(spec, RandomModelSpec.class);
                }
            }
            throw new ModelLoadException(file + " has no spec named '" + name + "'; pass --name with one of " + names);
        } catch (IOException e) {
            throw new ModelLoadException(file + " is not a valid spec file: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("unexpected argument '" + args[i] + "'");
                return;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        String out = options.get("out");
        if (out == null) {
            usage("--out DIR is required");
            return;
        }
        RandomModelSpec spec;
        if ("placeholder".equals(options.get("preset"))) {
            spec = placeholderSpec();
        } else if (options.containsKey("spec")) {
            spec = readSpec(Path.of(options.get("spec")), options.get("name"));
        } else {
            usage("give --spec FILE.json or --preset placeholder");
            return;
        }
        write(spec, Path.of(out));
        System.out.println("wrote " + spec.name() + " to " + out);
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: RandomModelWriter --spec FILE.json [--name NAME] --out DIR\n"
                + "       RandomModelWriter --preset placeholder --out DIR");
        System.exit(2);
    }
}
