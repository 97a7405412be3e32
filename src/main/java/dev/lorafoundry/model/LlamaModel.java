package dev.lorafoundry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) on DJL in float32: one step runs new tokens of
 * many sequences at different positions, each attending to its own KV cache.
 */
public final class LlamaModel implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final SafetensorsReader reader;
    private final FloatBuffer embedRows;
    private final NDArray lmHeadT;
    private final NDArray finalNorm;
    private final Layer[] layers;
    private final RotaryEmbedding rope;

    /** The weights of one decoder layer; matrices are stored transposed ([in, out]) views of the HF tensors. */
    private record Layer(NDArray inputNorm, NDArray qT, NDArray kT, NDArray vT, NDArray qBias, NDArray kBias,
                         NDArray vBias, NDArray qNorm, NDArray kNorm, NDArray oT, NDArray oBias, NDArray postNorm,
                         NDArray gateT, NDArray upT, NDArray downT) {}

    private LlamaModel(ModelConfig config, NDManager manager, SafetensorsReader reader) {
        this.config = config;
        this.manager = manager;
        this.reader = reader;
        this.rope = RotaryEmbedding.of(config);
        FloatTensor embed = tensor("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize());
        this.embedRows = embed.data().asFloatBuffer();
        NDArray embedNd = wrap(embed);
        if (config.tieWordEmbeddings() || !reader.contains("lm_head.weight")) {
            this.lmHeadT = embedNd.transpose();
        } else {
            this.lmHeadT = wrap(tensor("lm_head.weight", config.vocabSize(), config.hiddenSize())).transpose();
        }
        this.finalNorm = wrap(tensor("model.norm.weight", config.hiddenSize()));
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = loadLayer(i);
        }
    }

    /** Maps the weights of a model folder; a missing or misshapen tensor stops loading with its name. */
    public static LlamaModel load(Path modelDir, ModelConfig config, NDManager parent) {
        SafetensorsReader reader = SafetensorsReader.open(modelDir);
        NDManager manager = parent.newSubManager();
        try {
            return new LlamaModel(config, manager, reader);
        } catch (RuntimeException e) {
            manager.close();
            reader.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    private Layer loadLayer(int i) {
        String p = "model.layers." + i + ".";
        int hidden = config.hiddenSize();
        int qOut = config.numHeads() * config.headDim();
        int kvOut = config.numKvHeads() * config.headDim();
        boolean bias = config.attentionBias();
        return new Layer(
                wrap(tensor(p + "input_layernorm.weight", hidden)),
                wrap(tensor(p + "self_attn.q_proj.weight", qOut, hidden)).transpose(),
                wrap(tensor(p + "self_attn.k_proj.weight", kvOut, hidden)).transpose(),
                wrap(tensor(p + "self_attn.v_proj.weight", kvOut, hidden)).transpose(),
                bias ? wrap(tensor(p + "self_attn.q_proj.bias", qOut)) : null,
                bias ? wrap(tensor(p + "self_attn.k_proj.bias", kvOut)) : null,
                bias ? wrap(tensor(p + "self_attn.v_proj.bias", kvOut)) : null,
                config.qkNorm() ? wrap(tensor(p + "self_attn.q_norm.weight", config.headDim())) : null,
                config.qkNorm() ? wrap(tensor(p + "self_attn.k_norm.weight", config.headDim())) : null,
                wrap(tensor(p + "self_attn.o_proj.weight", hidden, qOut)).transpose(),
                config.outputProjectionBias() ? wrap(tensor(p + "self_attn.o_proj.bias", hidden)) : null,
                wrap(tensor(p + "post_attention_layernorm.weight", hidden)),
                wrap(tensor(p + "mlp.gate_proj.weight", config.intermediateSize(), hidden)).transpose(),
                wrap(tensor(p + "mlp.up_proj.weight", config.intermediateSize(), hidden)).transpose(),
                wrap(tensor(p + "mlp.down_proj.weight", hidden, config.intermediateSize())).transpose());
    }

    private FloatTensor tensor(String name, long... expectedShape) {
        if (!reader.contains(name)) {
            throw new ModelLoadException("Model weights are missing tensor '" + name + "' (" + config.architecture()
                    + " needs it); the safetensors files do not match config.json");
        }
        FloatTensor tensor = reader.readF32(name);
        if (!java.util.Arrays.equals(tensor.shape(), expectedShape)) {
            throw new ModelLoadException("Tensor '" + name + "' has shape " + java.util.Arrays.toString(tensor.shape())
                    + " but config.json implies " + java.util.Arrays.toString(expectedShape));
        }
        return tensor;
    }

    private NDArray wrap(FloatTensor tensor) {
        // Direct buffers are wrapped, not copied: the weights live once, in memory Java owns.
        return manager.create(tensor.data(), new Shape(tensor.shape()), DataType.FLOAT32);
    }

    /** Allocates a KV cache for one sequence of at most {@code capacity} tokens. */
    public KvCache newCache(int capacity) {
        return new KvCache(manager, config, capacity);
    }

    /**
     * Runs one step and returns logits: for each row, one vector (its last token) or one per new token when
     * the row asked for all logits, concatenated in row order, each {@code vocabSize} long.
     */
    public float[] forward(StepInput input) {
        int total = input.totalTokens();
        int hidden = config.hiddenSize();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(embed(input, total), new Shape(total, hidden));
            NDArray[] cosSin = rotaryTables(input, total);
            for (int i = 0; i < layers.length; i++) {
                x = layer(i, x, input, cosSin[0], cosSin[1]);
            }
            NDArray selected = selectLogitRows(x, input);
            NDArray logits = rmsNorm(selected, finalNorm).matMul(lmHeadT);
            return logits.toFloatArray();
        }
    }

    private float[] embed(StepInput input, int total) {
        int hidden = config.hiddenSize();
        float[] x = new float[total * hidden];
        int row = 0;
        for (StepInput.Row r : input.rows()) {
            for (int token : r.tokens()) {
                if (token < 0 || token >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                            + config.vocabSize() + ")");
                }
                embedRows.get(token * hidden, x, row * hidden, hidden);
                row++;
            }
        }
        return x;
    }

    /** cos and sin of shape [T, 1, headDim], HF's rotate_half layout, scaled by the rope's attention factor. */
    private NDArray[] rotaryTables(StepInput input, int total) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float scaling = rope.attentionScaling();
        float[] cos = new float[total * headDim];
        float[] sin = new float[total * headDim];
        int t = 0;
        for (StepInput.Row r : input.rows()) {
            float[] invFreq = rope.inverseFrequencies(r.startPosition() + r.tokens().length);
            for (int i = 0; i < r.tokens().length; i++, t++) {
                int position = r.startPosition() + i;
                for (int f = 0; f < half; f++) {
                    // HF computes the angle in float32: position * inv_freq.
                    float angle = position * invFreq[f];
                    float c = (float) Math.cos(angle) * scaling;
                    float s = (float) Math.sin(angle) * scaling;
                    cos[t * headDim + f] = c;
                    cos[t * headDim + f + half] = c;
                    sin[t * headDim + f] = s;
                    sin[t * headDim + f + half] = s;
                }
            }
        }
        Shape shape = new Shape(total, 1, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    private NDArray layer(int index, NDArray x, StepInput input, NDArray cos, NDArray sin) {
        Layer w = layers[index];
        long total = x.getShape().get(0);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();

        NDArray h = rmsNorm(x, w.inputNorm());
        NDArray q = linear(h, w.qT(), w.qBias()).reshape(total, heads, headDim);
        NDArray k = linear(h, w.kT(), w.kBias()).reshape(total, kvHeads, headDim);
        NDArray v = linear(h, w.vT(), w.vBias()).reshape(total, kvHeads, headDim);
        if (w.qNorm() != null) {
            q = rmsNorm(q, w.qNorm());
            k = rmsNorm(k, w.kNorm());
        }
        q = applyRope(q, cos, sin);
        k = applyRope(k, cos, sin);

        NDList outputs = new NDList(input.rows().size());
        int offset = 0;
        for (StepInput.Row r : input.rows()) {
            int n = r.tokens().length;
            outputs.add(attention(index, r, q.get("{}:{}", offset, offset + n), k.get("{}:{}", offset, offset + n),
                    v.get("{}:{}", offset, offset + n)));
            offset += n;
        }
        NDArray attn = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
        x = x.add(linear(attn, w.oT(), w.oBias()));

        h = rmsNorm(x, w.postNorm());
        NDArray gate = Activation.swish(h.matMul(w.gateT()), 1f);
        return x.add(gate.mul(h.matMul(w.upT())).matMul(w.downT()));
    }

    /** Causal attention of one sequence's new tokens over its cache, grouped-query aware. */
    private NDArray attention(int layer, StepInput.Row row, NDArray q, NDArray k, NDArray v) {
        int n = row.tokens().length;
        int start = row.startPosition();
        int length = start + n;
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int group = heads / kvHeads;
        int headDim = config.headDim();

        NDArray cacheK = row.cache().keys(layer);
        NDArray cacheV = row.cache().values(layer);
        NDIndex slot = new NDIndex(":, {}:{}", start, length);
        cacheK.set(slot, k.transpose(1, 0, 2));
        cacheV.set(slot, v.transpose(1, 0, 2));
        NDArray keys = cacheK.get(":, :{}", length);
        NDArray values = cacheV.get(":, :{}", length);

        // Heads kv*group .. kv*group+group-1 share kv head `kv` (HF's repeat_kv order).
        NDArray queries = q.transpose(1, 0, 2).reshape(kvHeads, (long) group * n, headDim);
        NDArray scores = queries.matMul(keys.transpose(0, 2, 1)).mul(1.0 / Math.sqrt(headDim));
        if (n > 1) {
            scores = scores.reshape(kvHeads, group, n, length).add(causalMask(n, start, length))
                    .reshape(kvHeads, (long) group * n, length);
        }
        NDArray context = scores.softmax(-1).matMul(values);
        return context.reshape(heads, n, headDim).transpose(1, 0, 2).reshape(n, (long) heads * headDim);
    }

    private NDArray causalMask(int n, int start, int length) {
        float[] mask = new float[n * length];
        for (int i = 0; i < n; i++) {
            for (int j = start + i + 1; j < length; j++) {
                mask[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(n, length));
    }

    private NDArray selectLogitRows(NDArray x, StepInput input) {
        NDList rows = new NDList();
        int offset = 0;
        for (StepInput.Row r : input.rows()) {
            int n = r.tokens().length;
            rows.add(r.allLogits() ? x.get("{}:{}", offset, offset + n) : x.get("{}:{}", offset + n - 1, offset + n));
            offset += n;
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    private static NDArray linear(NDArray x, NDArray weightT, NDArray bias) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.add(bias);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).sqrt();
        return x.div(rms).mul(weight);
    }

    /** q·cos + rotate_half(q)·sin, with rotate_half(q) = [-q2, q1]. */
    private NDArray applyRope(NDArray x, NDArray cos, NDArray sin) {
        int half = config.headDim() / 2;
        NDArray rotated = x.get(":, :, {}:", half).neg().concat(x.get(":, :, :{}", half), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    @Override
    public void close() {
        manager.close();
        reader.close();
    }
}
