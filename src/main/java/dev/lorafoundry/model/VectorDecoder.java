package dev.lorafoundry.model;

import dev.lorafoundry.model.kernel.CachedAttention;
import dev.lorafoundry.model.kernel.SwiGlu;
import dev.lorafoundry.model.kernel.VectorMatmul;
import dev.lorafoundry.model.lora.LoraKernel;
import dev.lorafoundry.model.lora.StepAdapters;
import java.nio.FloatBuffer;
import java.util.EnumMap;

/**
 * The decode step (one new token per sequence) computed entirely in Java: projections by the Vector API kernel over
 * its packed copy of the weights, attention over the shared KV cache memory and the MLP activation with Vector API ops
 * ({@link CachedAttention}, {@link SwiGlu}), norms and RoPE in plain loops.
 * No JNI call per op, which is what dominates a libtorch decode step of a small model. Same math as
 * {@link LlamaModel}'s DJL path (checked by the same numerics goldens).
 */
final class VectorDecoder {

    private final ModelConfig config;
    private final RotaryEmbedding rope;
    private final VectorMatmul kernel;
    private final LoraKernel loraKernel;
    private final LlamaModel.Layer[] layers;
    private final LlamaModel.Linear lmHead;
    private final float[] finalNorm;
    /**
     * Output arrays reused from step to step (one per role, the exact length the step needs): allocating them afresh
     * (35 MB a 16-row step with the LM head's logits) doubled the projections' time in a same-JVM comparison.
     */
    private final EnumMap<Buffer, float[]> buffers = new EnumMap<>(Buffer.class);

    /** What a reused array holds; arrays of different roles are alive at the same time. */
    private enum Buffer { NORMED, Q, K, V, RESIDUAL, GATE, UP, LOGITS }

    VectorDecoder(ModelConfig config, RotaryEmbedding rope, VectorMatmul kernel, LoraKernel loraKernel,
                  LlamaModel.Layer[] layers, LlamaModel.Linear lmHead, float[] finalNorm) {
        this.config = config;
        this.loraKernel = loraKernel;
        this.rope = rope;
        this.kernel = kernel;
        this.layers = layers;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
    }

    /** The reused array for this role, of exactly {@code length} elements (contents undefined). */
    private float[] buffer(Buffer role, int length) {
        float[] array = buffers.get(role);
        if (array == null || array.length != length) {
            array = new float[length];
            buffers.put(role, array);
        }
        return array;
    }

    /** True for pure decode steps: every row is one token and only its last logits are wanted. */
    static boolean handles(StepInput input) {
        for (StepInput.Row row : input.rows()) {
            if (row.tokens().length != 1 || row.allLogits()) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param x        the rows' token embeddings [rows × hidden]; updated in place through the layers
     * @param adapters the rows' LoRA adapters, or null when all rows run on the base model
     */
    float[] forward(StepInput input, float[] x, StepAdapters adapters) {
        int rows = input.rows().size();
        int hidden = config.hiddenSize();
        float[][] cos = new float[rows][];
        float[][] sin = new float[rows][];
        rotaryTables(input, cos, sin);
        for (int i = 0; i < layers.length; i++) {
            layer(i, x, input, adapters, cos, sin);
        }
        float[] normed = rmsNorm(x, rows, hidden, finalNorm, Buffer.NORMED);
        return project(normed, rows, lmHead, null, Buffer.LOGITS);
    }

    private void rotaryTables(StepInput input, float[][] cos, float[][] sin) {
        int half = config.headDim() / 2;
        for (int r = 0; r < cos.length; r++) {
            int position = input.rows().get(r).startPosition();
            cos[r] = new float[half];
            sin[r] = new float[half];
            rope.cosSin(position, rope.inverseFrequencies(position + 1), cos[r], sin[r], 0);
        }
    }

    private void layer(int index, float[] x, StepInput input, StepAdapters adapters, float[][] cos, float[][] sin) {
        LlamaModel.Layer w = layers[index];
        int rows = cos.length;
        int hidden = config.hiddenSize();
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();

        float[] h = rmsNorm(x, rows, hidden, w.inputNormValues(), Buffer.NORMED);
        float[] q = project(h, rows, w.q(), adapters, Buffer.Q);
        float[] k = project(h, rows, w.k(), adapters, Buffer.K);
        float[] v = project(h, rows, w.v(), adapters, Buffer.V);
        if (w.qNormValues() != null) {
            headNorm(q, rows * heads, headDim, w.qNormValues());
            headNorm(k, rows * kvHeads, headDim, w.kNormValues());
        }
        float[] context = new float[rows * heads * headDim];
        // Rows are independent here (own slices of q, k, context; own KV cache): both cores take rows, instead of one
        // core attending while the other spins.
        kernel.parallel(rows, r -> {
            applyRope(q, r * heads, heads, headDim, cos[r], sin[r]);
            applyRope(k, r * kvHeads, kvHeads, headDim, cos[r], sin[r]);
            attend(index, input.rows().get(r), q, k, v, r, context);
        });
        addInPlace(x, project(context, rows, w.o(), adapters, Buffer.RESIDUAL));

        float[] h2 = rmsNorm(x, rows, hidden, w.postNormValues(), Buffer.NORMED);
        float[] gate = project(h2, rows, w.gate(), adapters, Buffer.GATE);
        float[] up = project(h2, rows, w.up(), adapters, Buffer.UP);
        SwiGlu.applyInPlace(gate, up, gate.length);
        addInPlace(x, project(gate, rows, w.down(), adapters, Buffer.RESIDUAL));
    }

    /** Writes this row's new key/value into its cache, then attends over positions 0..p. */
    private void attend(int layer, StepInput.Row row, float[] q, float[] k, float[] v, int r, float[] context) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        int position = row.startPosition();
        int capacity = row.cache().capacity();
        FloatBuffer keys = row.cache().keyFloats(layer);
        FloatBuffer values = row.cache().valueFloats(layer);
        for (int kv = 0; kv < kvHeads; kv++) {
            int slot = (kv * capacity + position) * headDim;
            keys.put(slot, k, (r * kvHeads + kv) * headDim, headDim);
            values.put(slot, v, (r * kvHeads + kv) * headDim, headDim);
        }
        float scale = (float) (1.0 / Math.sqrt(headDim));
        CachedAttention.attend(q, r * heads * headDim, heads, kvHeads, headDim, keys, values, capacity, position + 1,
                scale, context, r * heads * headDim);
    }

    private float[] project(float[] input, int rows, LlamaModel.Linear linear, StepAdapters adapters, Buffer buffer) {
        float[] y = buffer(buffer, rows * linear.out()); // the kernel overwrites all of it
        kernel.multiply(input, rows, linear.packed(), y);
        if (linear.biasValues() != null) {
            LlamaModel.addBias(y, linear.biasValues());
        }
        if (linear.adaptedIn(adapters)) {
            linear.addAdapterDeltas(loraKernel, input, y, adapters);
        }
        return y;
    }

    private float[] rmsNorm(float[] x, int rows, int width, float[] weight, Buffer buffer) {
        float[] out = buffer(buffer, rows * width);
        for (int r = 0; r < rows; r++) {
            normalise(x, r * width, width, weight, out);
        }
        return out;
    }

    /** Qwen3's per-head RMSNorm of q or k, in place. */
    private void headNorm(float[] x, int vectors, int width, float[] weight) {
        for (int i = 0; i < vectors; i++) {
            normalise(x, i * width, width, weight, x);
        }
    }

    private void normalise(float[] x, int offset, int width, float[] weight, float[] out) {
        double squares = 0;
        for (int i = 0; i < width; i++) {
            squares += (double) x[offset + i] * x[offset + i];
        }
        float inverse = (float) (1.0 / Math.sqrt(squares / width + config.rmsNormEps()));
        for (int i = 0; i < width; i++) {
            out[offset + i] = x[offset + i] * inverse * weight[i];
        }
    }

    /** HF rotate_half: (x1, x2) -> (x1·cos − x2·sin, x2·cos + x1·sin) for each head of one row. */
    private static void applyRope(float[] x, int firstHead, int heads, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int head = 0; head < heads; head++) {
            int base = (firstHead + head) * headDim;
            for (int f = 0; f < half; f++) {
                float x1 = x[base + f];
                float x2 = x[base + f + half];
                x[base + f] = x1 * cos[f] - x2 * sin[f];
                x[base + f + half] = x2 * cos[f] + x1 * sin[f];
            }
        }
    }

    private static void addInPlace(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }
}
