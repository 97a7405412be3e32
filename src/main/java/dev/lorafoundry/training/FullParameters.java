package dev.lorafoundry.training;

import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Every weight of a Llama (or Qwen3, with q/k norms) decoder as trainable float32 tensors in Java memory
 * (full-parameter training, LLaMA-Factory's {@code finetuning_type: full}): the embeddings, each layer's norms and
 * projections, the final norm, and lm_head unless it is tied to the embeddings. HF names and layout ([out × in] for
 * projections); one gradient buffer per tensor.
 */
public final class FullParameters {

    /** One weight tensor, HF-named, with its gradient. */
    public record Tensor(String name, long[] shape, float[] values, float[] gradient) {}

    private final ModelConfig config;
    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName = new LinkedHashMap<>();

    private FullParameters(ModelConfig config, List<Tensor> tensors) {
        this.config = config;
        this.tensors = List.copyOf(tensors);
        for (Tensor t : tensors) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Fresh weights as HF's Llama init draws them: projections and embeddings from N(0, std²) (initializer_range),
     * norms all ones; drawn from {@code seed} in {@link #shapes(ModelConfig)} order.
     */
    public static FullParameters initialise(ModelConfig config, double std, long seed) {
        requireSupported(config);
        SplittableRandom random = new SplittableRandom(seed);
        List<Tensor> list = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes(config).entrySet()) {
            float[] values = new float[Math.toIntExact(numel(e.getValue()))];
            if (e.getKey().endsWith("norm.weight")) {
                Arrays.fill(values, 1f);
            } else {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (gaussian(random) * std);
                }
            }
            list.add(new Tensor(e.getKey(), e.getValue(), values, new float[values.length]));
        }
        return new FullParameters(config, list);
    }

    /** The weights of a model folder (any stored dtype, read as float32), to train further. */
    public static FullParameters read(Path modelDir, ModelConfig config) {
        requireSupported(config);
        List<Tensor> list = new ArrayList<>();
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            for (Map.Entry<String, long[]> e : shapes(config).entrySet()) {
                if (!reader.contains(e.getKey())) {
                    throw new IllegalArgumentException(modelDir + " has no tensor " + e.getKey()
                            + "; full-parameter training needs every weight of the model");
                }
                float[] values = reader.readF32(e.getKey()).toFloatArray();
                if (values.length != numel(e.getValue())) {
                    throw new IllegalArgumentException(modelDir + ": tensor " + e.getKey() + " has " + values.length
                            + " values but config.json implies shape " + Arrays.toString(e.getValue()));
                }
                list.add(new Tensor(e.getKey(), e.getValue(), values, new float[values.length]));
            }
        }
        return new FullParameters(config, list);
    }

    /** HF tensor names and shapes of a Llama decoder without biases, with Qwen3's per-head q/k norms if it has them. */
    public static Map<String, long[]> shapes(ModelConfig c) {
        long hidden = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long inter = c.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), hidden});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {hidden});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, hidden});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, hidden});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, hidden});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {hidden, q});
            if (c.qkNorm()) {
                shapes.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                shapes.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            shapes.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            shapes.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        }
        shapes.put("model.norm.weight", new long[] {hidden});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        }
        return shapes;
    }

    private static void requireSupported(ModelConfig c) {
        if (c.attentionBias()) {
            throw new IllegalArgumentException("full-parameter training supports Llama and Qwen3 decoders without "
                    + "biases; this " + c.architecture() + " has q/k/v biases — train a LoRA adapter on it instead");
        }
    }

    public ModelConfig config() {
        return config;
    }

    public List<Tensor> all() {
        return tensors;
    }

    /** The tensor of that HF name; an unknown name is a programming error. */
    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no weight named " + name);
        }
        return t;
    }

    /** The values, in the fixed order of {@link #shapes(ModelConfig)}, for the optimizer. */
    public List<float[]> tensors() {
        return tensors.stream().map(Tensor::values).toList();
    }

    /** The gradients, in the order of {@link #tensors()}. */
    public List<float[]> gradients() {
        return tensors.stream().map(Tensor::gradient).toList();
    }

    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.values().length;
        }
        return n;
    }

    public void zeroGradients() {
        for (Tensor t : tensors) {
            Arrays.fill(t.gradient(), 0f);
        }
    }

    /** The weights as safetensors-ready tensors (copies), HF-named. */
    public Map<String, FloatTensor> toFloatTensors() {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            out.put(t.name(), FloatTensor.of(t.name(), t.shape(), t.values()));
        }
        return out;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Box–Muller from our own generator, so the draw depends on the seed alone. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
