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
import ai.djl.pytorch.jni.JniUtils;
import dev.lorafoundry.model.kernel.PackedWeights;
import dev.lorafoundry.model.kernel.VectorLoraArithmetic;
import dev.lorafoundry.model.kernel.VectorMatmul;
import dev.lorafoundry.model.lora.LoraKernel;
import dev.lorafoundry.model.lora.LoraPreparation;
import dev.lorafoundry.model.lora.LoraWeights;
import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.model.lora.ProjectionKind;
import dev.lorafoundry.model.lora.StepAdapters;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) on DJL in float32: one step runs new tokens of
 * many sequences at different positions, each attending to its own KV cache.
 */
public final class LlamaModel implements AutoCloseable {

    private final ModelConfig config;
    private final NDManager manager;
    private final SafetensorsReader reader;
    private final FloatBuffer embedRows;
    private final Linear lmHead;
    private final VectorMatmul kernel;
    /** Holds the kernel's packed copies of the projection weights (freed on close). */
    private final Arena packedArena;
    private final int kernelMaxRows;
    private final int libtorchThreads = JniUtils.getNumThreads();
    private int currentThreads = libtorchThreads;
    private final NDArray finalNorm;
    private final Layer[] layers;
    private final RotaryEmbedding rope;
    private final VectorDecoder vectorDecoder;
    private final LoraKernel loraKernel;
    /**
     * LoRA deltas of the steps libtorch computes (more than kernelMaxRows tokens), on the engine thread alone: libtorch's
     * OpenMP threads spin between its ops, and the kernel's workers spinning beside them slowed adapter prefill (16
     * adapter streams measured 0.84× the base model with both pools, 0.91× without).
     */
    private final LoraKernel libtorchStepLora;

    /** The weights of one decoder layer (norm weights also as float[] for the Java decode path). */
    public record Layer(NDArray inputNorm, Linear q, Linear k, Linear v, NDArray qNorm, NDArray kNorm, Linear o,
                 NDArray postNorm, Linear gate, Linear up, Linear down, float[] inputNormValues,
                 float[] qNormValues, float[] kNormValues, float[] postNormValues) {}

    /**
     * One projection y = x·Wᵀ + b. The weight lives in Java-owned memory; libtorch sees it as a transposed view. With
     * the Vector API kernel on, {@code packed} is the kernel's own copy in its layout ({@link PackedWeights}), else
     * null. {@code layer}/{@code kind} say which LoRA weights apply (kind null: the LM head, never adapted).
     */
    public record Linear(NDArray weightT, ByteBuffer weight, PackedWeights packed, int in, int out, NDArray bias,
                         float[] biasValues, int layer, ProjectionKind kind) {

        /** Adds the step's adapter deltas to this projection's output y (which includes the bias). */
        void addAdapterDeltas(LoraKernel lora, float[] x, float[] y, StepAdapters adapters) {
            lora.apply(x, y, layer, kind, adapters, biasValues);
        }

        boolean adaptedIn(StepAdapters adapters) {
            return adapters != null && kind != null && adapters.adapts(layer, kind);
        }
    }

    private LlamaModel(ModelConfig config, NDManager manager, SafetensorsReader reader, Arena packedArena,
                       VectorMatmul kernel, int kernelMaxRows) {
        this.config = config;
        this.packedArena = packedArena;
        this.kernel = kernel;
        this.kernelMaxRows = kernel == null ? 0 : kernelMaxRows;
        this.manager = manager;
        this.reader = reader;
        this.rope = RotaryEmbedding.of(config);
        FloatTensor embed = tensor("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize());
        this.embedRows = embed.data().asFloatBuffer();
        if (config.tieWordEmbeddings() || !reader.contains("lm_head.weight")) {
            this.lmHead = linear(embed, null, -1, null);
        } else {
            this.lmHead = linear(tensor("lm_head.weight", config.vocabSize(), config.hiddenSize()), null, -1, null);
        }
        FloatTensor finalNormTensor = tensor("model.norm.weight", config.hiddenSize());
        this.finalNorm = wrap(finalNormTensor);
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = loadLayer(i);
        }
        LoraKernel.Arithmetic arithmetic = kernel == null ? LoraKernel.Arithmetic.SCALAR : new VectorLoraArithmetic();
        this.libtorchStepLora = new LoraKernel(LoraKernel.ParallelLoop.SERIAL, 1, arithmetic);
        this.loraKernel = kernel == null ? libtorchStepLora
                : new LoraKernel(kernel::parallel, kernel.threads(), arithmetic);
        this.vectorDecoder = kernel == null ? null
                : new VectorDecoder(config, rope, kernel, loraKernel, layers, lmHead, finalNormTensor.toFloatArray());
    }

    /** Maps the weights of a model folder; a missing or misshapen tensor stops loading with its name. */
    public static LlamaModel load(Path modelDir, ModelConfig config, NDManager parent) {
        return load(modelDir, config, parent, null, 0);
    }

    /**
     * As {@link #load(Path, ModelConfig, NDManager)}, with projections of steps of at most {@code kernelMaxRows}
     * tokens (decode steps, memory-bound) computed by {@code kernel} instead of libtorch.
     */
    public static LlamaModel load(Path modelDir, ModelConfig config, NDManager parent, VectorMatmul kernel,
                                  int kernelMaxRows) {
        SafetensorsReader reader = SafetensorsReader.open(modelDir);
        NDManager manager = parent.newSubManager();
        Arena packedArena = Arena.ofShared();
        try {
            return new LlamaModel(config, manager, reader, packedArena, kernel, kernelMaxRows);
        } catch (RuntimeException e) {
            manager.close();
            reader.close();
            packedArena.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * The frozen decoder layers, for the trainer's own forward pass. Read-only: the arrays belong to this model's
     * manager and are shared with serving, so ops must take them as second operand (results join the first's manager).
     */
    public Layer[] layers() {
        return layers.clone();
    }

    /** The output projection (the embedding matrix when tied). */
    public Linear lmHead() {
        return lmHead;
    }

    /** The final RMSNorm weight. */
    public NDArray finalNorm() {
        return finalNorm;
    }

    public RotaryEmbedding rope() {
        return rope;
    }

    /** The embedding rows of {@code tokens}, concatenated: [tokens.length × hidden]. */
    public float[] embedTokens(int[] tokens) {
        int hidden = config.hiddenSize();
        float[] x = new float[tokens.length * hidden];
        for (int i = 0; i < tokens.length; i++) {
            int token = tokens[i];
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
            embedRows.get(token * hidden, x, i * hidden, hidden);
        }
        return x;
    }

    private Layer loadLayer(int i) {
        String p = "model.layers." + i + ".";
        int hidden = config.hiddenSize();
        int qOut = config.numHeads() * config.headDim();
        int kvOut = config.numKvHeads() * config.headDim();
        boolean bias = config.attentionBias();
        int inter = config.intermediateSize();
        FloatTensor inputNorm = tensor(p + "input_layernorm.weight", hidden);
        FloatTensor postNorm = tensor(p + "post_attention_layernorm.weight", hidden);
        FloatTensor qNorm = config.qkNorm() ? tensor(p + "self_attn.q_norm.weight", config.headDim()) : null;
        FloatTensor kNorm = config.qkNorm() ? tensor(p + "self_attn.k_norm.weight", config.headDim()) : null;
        return new Layer(
                wrap(inputNorm),
                projection(i, ProjectionKind.Q, qOut, hidden, bias),
                projection(i, ProjectionKind.K, kvOut, hidden, bias),
                projection(i, ProjectionKind.V, kvOut, hidden, bias),
                qNorm == null ? null : wrap(qNorm),
                kNorm == null ? null : wrap(kNorm),
                projection(i, ProjectionKind.O, hidden, qOut, config.outputProjectionBias()),
                wrap(postNorm),
                projection(i, ProjectionKind.GATE, inter, hidden, false),
                projection(i, ProjectionKind.UP, inter, hidden, false),
                projection(i, ProjectionKind.DOWN, hidden, inter, false),
                inputNorm.toFloatArray(), qNorm == null ? null : qNorm.toFloatArray(),
                kNorm == null ? null : kNorm.toFloatArray(), postNorm.toFloatArray());
    }

    private Linear projection(int layer, ProjectionKind kind, int out, int in, boolean bias) {
        String name = kind.moduleName(layer);
        return linear(tensor(name + ".weight", out, in), bias ? name + ".bias" : null, layer, kind);
    }

    private Linear linear(FloatTensor weight, String biasName, int layer, ProjectionKind kind) {
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        FloatTensor bias = biasName == null ? null : tensor(biasName, out);
        PackedWeights packed = kernel == null ? null : PackedWeights.pack(weight.data(), out, in, packedArena);
        return new Linear(wrap(weight).transpose(), weight.data(), packed, in, out, bias == null ? null : wrap(bias),
                bias == null ? null : bias.toFloatArray(), layer, kind);
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

    /** Bytes of the Vector API kernel's packed weight copies (0 without the kernel). */
    public long packedWeightBytes() {
        long bytes = lmHead.packed() == null ? 0 : lmHead.packed().bytes();
        for (Layer layer : layers) {
            for (Linear l : List.of(layer.q(), layer.k(), layer.v(), layer.o(), layer.gate(), layer.up(), layer.down())) {
                bytes += l.packed() == null ? 0 : l.packed().bytes();
            }
        }
        return bytes;
    }

    /** Allocates a KV cache for one sequence of at most {@code capacity} tokens. */
    public KvCache newCache(int capacity) {
        return new KvCache(manager, config, capacity);
    }

    /**
     * Runs one step and returns logits: for each row, one vector (its last token) or one per new token when
     * the row asked for all logits, concatenated in row order, each {@code vocabSize} long. The array may be reused by
     * the next call: read it (or copy it) before running another step. One caller at a time (the engine thread).
     */
    public float[] forward(StepInput input) {
        int total = input.totalTokens();
        // On kernel steps the Vector API workers take the cores; libtorch's small ops run on this thread alone, so its
        // OpenMP threads do not spin against the kernel. Large steps give libtorch all its threads back.
        int wantedThreads = total <= kernelMaxRows ? 1 : libtorchThreads;
        if (wantedThreads != currentThreads) {
            JniUtils.setNumThreads(wantedThreads);
            currentThreads = wantedThreads;
        }
        StepAdapters adapters = input.adapters();
        if (vectorDecoder != null && total <= kernelMaxRows && VectorDecoder.handles(input)) {
            // Decode steps stay in Java end to end: no JNI call per op, weights streamed by the Vector API kernel.
            return vectorDecoder.forward(input, embed(input, total), adapters);
        }
        int hidden = config.hiddenSize();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = manager.create(embed(input, total), new Shape(total, hidden));
            NDArray[] cosSin = rotaryTables(input, total);
            for (int i = 0; i < layers.length; i++) {
                x = layer(i, x, input, adapters, cosSin[0], cosSin[1]);
            }
            NDArray selected = selectLogitRows(x, input);
            return project(rmsNorm(selected, finalNorm), null, lmHead)[0].toFloatArray();
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

    /** cos and sin of shape [T, 1, headDim], HF's rotate_half layout (both halves equal), scaled as the rope says. */
    private NDArray[] rotaryTables(StepInput input, int total) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] cos = new float[total * headDim];
        float[] sin = new float[total * headDim];
        int t = 0;
        for (StepInput.Row r : input.rows()) {
            float[] invFreq = rope.inverseFrequencies(r.startPosition() + r.tokens().length);
            for (int i = 0; i < r.tokens().length; i++, t++) {
                rope.cosSin(r.startPosition() + i, invFreq, cos, sin, t * headDim);
                System.arraycopy(cos, t * headDim, cos, t * headDim + half, half);
                System.arraycopy(sin, t * headDim, sin, t * headDim + half, half);
            }
        }
        Shape shape = new Shape(total, 1, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    private NDArray layer(int index, NDArray x, StepInput input, StepAdapters adapters, NDArray cos, NDArray sin) {
        Layer w = layers[index];
        long total = x.getShape().get(0);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();

        NDArray[] qkv = project(rmsNorm(x, w.inputNorm()), adapters, w.q(), w.k(), w.v());
        NDArray q = qkv[0].reshape(total, heads, headDim);
        NDArray k = qkv[1].reshape(total, kvHeads, headDim);
        NDArray v = qkv[2].reshape(total, kvHeads, headDim);
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
        x = x.add(project(attn, adapters, w.o())[0]);

        NDArray[] gateUp = project(rmsNorm(x, w.postNorm()), adapters, w.gate(), w.up());
        NDArray activated = Activation.swish(gateUp[0], 1f).mul(gateUp[1]);
        return x.add(project(activated, adapters, w.down())[0]);
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

    /**
     * Applies several projections to the same input [rows, in]; small steps go through the Vector API kernel. The base
     * product is one matmul for all rows; rows with adapters then get their LoRA deltas added.
     */
    private NDArray[] project(NDArray x, StepAdapters adapters, Linear... linears) {
        int rows = (int) x.getShape().get(0);
        NDArray[] outputs = new NDArray[linears.length];
        boolean adapted = false;
        for (Linear l : linears) {
            adapted |= l.adaptedIn(adapters);
        }
        float[] input = rows <= kernelMaxRows || adapted ? x.toFloatArray() : null;
        for (int i = 0; i < linears.length; i++) {
            Linear l = linears[i];
            NDArray y;
            if (rows <= kernelMaxRows) {
                float[] result = new float[rows * l.out()];
                kernel.multiply(input, rows, l.packed(), result);
                if (l.bias() != null) {
                    addBias(result, l.biasValues());
                }
                if (l.adaptedIn(adapters)) {
                    l.addAdapterDeltas(loraKernel, input, result, adapters);
                }
                y = manager.create(result, new Shape(rows, l.out()));
            } else {
                y = x.matMul(l.weightT());
                if (l.bias() != null) {
                    y = y.add(l.bias());
                }
                if (l.adaptedIn(adapters)) {
                    float[] result = y.toFloatArray();
                    l.addAdapterDeltas(libtorchStepLora, input, result, adapters);
                    y = manager.create(result, new Shape(rows, l.out()));
                }
            }
            outputs[i] = y;
        }
        return outputs;
    }

    /** Adds the bias to every row of y [rows × bias.length]. */
    static void addBias(float[] y, float[] bias) {
        for (int offset = 0; offset < y.length; offset += bias.length) {
            for (int o = 0; o < bias.length; o++) {
                y[offset + o] += bias[o];
            }
        }
    }

    /**
     * Makes an adapter ready to run (B transposed, DoRA norms against these base weights). Safe off the engine thread:
     * the base weights are only read.
     */
    public PreparedLora prepare(String name, LoraWeights weights) {
        if (weights.numLayers() != layers.length) {
            throw new IllegalArgumentException("adapter '" + name + "' has " + weights.numLayers()
                    + " layers but the model has " + layers.length);
        }
        return LoraPreparation.prepare(name, weights, (layer, kind) -> linearOf(layers[layer], kind).weight());
    }

    private static Linear linearOf(Layer layer, ProjectionKind kind) {
        return switch (kind) {
            case Q -> layer.q();
            case K -> layer.k();
            case V -> layer.v();
            case O -> layer.o();
            case GATE -> layer.gate();
            case UP -> layer.up();
            case DOWN -> layer.down();
        };
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
        packedArena.close();
    }
}
