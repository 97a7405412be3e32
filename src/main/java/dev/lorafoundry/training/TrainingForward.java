package dev.lorafoundry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.util.SplittableRandom;

/**
 * The training forward pass over a padded or packed micro-batch, on libtorch with autograd: the Llama-family decoder
 * without KV cache, attention causal within each segment, the LoRA path {@code scale·B·A·dropout(x)} on adapted
 * projections, and the summed token cross-entropy of the trained tokens. With a backward pass the LoRA tensors end up
 * holding {@code d(lossScale·Σ loss)/dθ}. Gradient checkpointing keeps only each layer's input and recomputes the layer
 * in the backward pass, one layer at a time.
 */
final class TrainingForward {

    /**
     * How to run one micro-batch.
     *
     * @param backward       compute LoRA gradients of {@code lossScale · Σ token loss}
     * @param lossScale      1 / (trained tokens of the whole optimizer step)
     * @param checkpointing  recompute layers in the backward pass instead of keeping their activations
     * @param dropout        LoRA dropout probability (0 in evaluation)
     * @param neftuneAlpha   NEFTune noise on the embeddings (0: none)
     * @param noiseSeed      seeds dropout masks and NEFTune noise, so a recomputed or resumed step draws the same
     * @param logprobs       also return each trained token's log-probability
     * @param betweenLayers  called between layers (the trainer yields the CPU there); may be null
     */
    record Options(boolean backward, double lossScale, boolean checkpointing, double dropout, double neftuneAlpha,
                   long noiseSeed, boolean logprobs, Runnable betweenLayers) {

        static Options evaluation(boolean logprobs) {
            return new Options(false, 1, false, 0, 0, 0, logprobs, null);
        }
    }

    /**
     * @param lossSum  Σ over trained tokens of −log p(token)
     * @param correct  trained tokens the model ranks first (argmax)
     * @param count    trained tokens
     * @param logprobs per trained token, when asked for
     */
    record Result(double lossSum, int correct, int count, double[] logprobs) {}

    private final TrainingWeights weights;
    private final ModelConfig config;
    private final DataType dataType;

    TrainingForward(TrainingWeights weights) {
        this.weights = weights;
        this.config = weights.config();
        this.dataType = weights.dataType();
    }

    /** Runs the batch; every array it creates belongs to {@code manager}. {@code lora} may be null (no adapter). */
    Result run(NDManager manager, LoraTensors lora, TrainingBatch batch, Options options) {
        if (batch.trainedTokens() == 0) {
            return new Result(0, 0, 0, options.logprobs() ? new double[0] : null);
        }
        boolean gradMode = JniUtils.isGradMode();
        try {
            Step step = new Step(manager, lora, batch, options);
            return options.backward() && options.checkpointing() ? step.checkpointed() : step.plain();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** One micro-batch's constant inputs (rotary tables, mask) and the passes over it. */
    private final class Step {
        final NDManager manager;
        final LoraTensors lora;
        final TrainingBatch batch;
        final Options options;
        final NDArray cos;
        final NDArray sin;
        final NDArray mask;
        final NDArray attentionScale;
        final NDArray loraScale;
        final NDArray lossScale;
        final NDArray normEpsilon;

        Step(NDManager manager, LoraTensors lora, TrainingBatch batch, Options options) {
            this.manager = manager;
            this.lora = lora;
            this.batch = batch;
            this.options = options;
            NDArray[] tables = rotaryTables();
            this.cos = tables[0];
            this.sin = tables[1];
            this.mask = attentionMask();
            this.attentionScale = scalar(1.0 / Math.sqrt(config.headDim()));
            this.loraScale = scalar(lora == null ? 0 : lora.scale());
            this.lossScale = scalar(options.lossScale());
            this.normEpsilon = scalar(config.rmsNormEps());
        }

        Result plain() {
            JniUtils.setGradMode(options.backward());
            NDArray x = embeddings();
            for (int i = 0; i < weights.layers().length; i++) {
                x = layer(i, x);
                between();
            }
            return head(x, options.backward());
        }

        /** Forward without a graph keeping each layer's input, then the backward pass layer by layer. */
        Result checkpointed() {
            JniUtils.setGradMode(false);
            int n = weights.layers().length;
            NDArray[] inputs = new NDArray[n];
            NDArray x = embeddings();
            for (int i = 0; i < n; i++) {
                inputs[i] = x;
                x = layer(i, x);
                between();
            }
            JniUtils.setGradMode(true);
            NDArray last = leaf(x);
            Result result = head(last, true);
            NDArray gradient = last.getGradient();
            for (int i = n - 1; i >= 0; i--) {
                try (NDManager layerManager = manager.newSubManager()) {
                    NDArray input = leaf(inputs[i]);
                    input.attach(layerManager);
                    NDArray output = layer(i, input);
                    JniUtils.backward((PtNDArray) output, (PtNDArray) gradient, false, false);
                    NDArray next = input.getGradient();
                    next.attach(manager);
                    gradient = next;
                }
                between();
            }
            return result;
        }

        private NDArray leaf(NDArray x) {
            NDArray detached = x.stopGradient();
            detached.setRequiresGradient(true);
            return detached;
        }

        private void between() {
            if (options.betweenLayers() != null) {
                options.betweenLayers().run();
            }
        }

        /** Final norm, logits of the predicting rows only, cross-entropy, accuracy; backward when asked. */
        private Result head(NDArray x, boolean backward) {
            NDArray rows = x.get(manager.create(toLongs(batch.predictRows())));
            NDArray logits = rmsNorm(rows, weights.finalNorm()).matMul(weights.lmHeadT());
            NDArray logp = logits.logSoftmax(-1);
            NDArray targets = manager.create(toLongs(batch.targets()), new Shape(batch.targets().length, 1));
            NDArray picked = logp.gather(targets, 1);
            NDArray lossSum = picked.sum().neg();
            if (backward) {
                NDArray scaled = lossSum.mul(lossScale);
                JniUtils.backward((PtNDArray) scaled, (PtNDArray) scaled.onesLike(), false, false);
            }
            long[] argmax = logits.argMax(1).toLongArray();
            int correct = 0;
            for (int i = 0; i < argmax.length; i++) {
                correct += argmax[i] == batch.targets()[i] ? 1 : 0;
            }
            double[] logprobs = options.logprobs()
                    ? picked.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray() : null;
            double loss = lossSum.stopGradient().toType(DataType.FLOAT64, false).getDouble();
            return new Result(loss, correct, argmax.length, logprobs);
        }

        private NDArray embeddings() {
            int hidden = config.hiddenSize();
            Shape shape = new Shape((long) batch.rows() * batch.length(), hidden);
            if (weights.embedTable() != null) {
                // Trainable embeddings: gather the rows in the graph so the table gets its gradient.
                NDArray rows = weights.embedTable().get(manager.create(toLongs(batch.inputIds())));
                return options.neftuneAlpha() > 0 ? rows.add(array(neftuneNoise(new float[(int) shape.size()]), shape))
                        : rows;
            }
            float[] values = weights.embed().apply(batch.inputIds());
            return array(options.neftuneAlpha() > 0 ? neftuneNoise(values) : values, shape);
        }

        /** HF's NEFTune: uniform noise of magnitude alpha / √(seq_len · hidden) added to the embedding output. */
        private float[] neftuneNoise(float[] values) {
            double magnitude = options.neftuneAlpha() / Math.sqrt((double) batch.length() * config.hiddenSize());
            SplittableRandom random = new SplittableRandom(options.noiseSeed() ^ 0x5DEECE66DL);
            for (int i = 0; i < values.length; i++) {
                values[i] += (float) ((random.nextDouble() * 2 - 1) * magnitude);
            }
            return values;
        }

        private NDArray layer(int index, NDArray x) {
            TrainingWeights.Layer w = weights.layers()[index];
            long rows = batch.rows();
            long length = batch.length();
            int heads = config.numHeads();
            int kvHeads = config.numKvHeads();
            int group = heads / kvHeads;
            int headDim = config.headDim();

            NDArray normed = rmsNorm(x, w.inputNorm());
            NDArray q = project(normed, index, ProjectionKind.Q, w).reshape(rows, length, heads, headDim);
            NDArray k = project(normed, index, ProjectionKind.K, w).reshape(rows, length, kvHeads, headDim);
            NDArray v = project(normed, index, ProjectionKind.V, w).reshape(rows, length, kvHeads, headDim);
            if (w.qNorm() != null) {
                q = rmsNorm(q, w.qNorm());
                k = rmsNorm(k, w.kNorm());
            }
            q = rope(q);
            k = rope(k);
            // Heads kv·group .. kv·group+group−1 share kv head kv (HF's repeat_kv order). The 1/√d scale goes on the
            // queries, not on the scores: a tensor length/headDim times smaller, kept for the backward pass.
            NDArray queries = q.mul(attentionScale).transpose(0, 2, 1, 3)
                    .reshape(rows, kvHeads, group * length, headDim);
            NDArray keys = k.transpose(0, 2, 3, 1);
            NDArray values = v.transpose(0, 2, 1, 3);
            NDArray scores = queries.matMul(keys)
                    .reshape(rows, kvHeads, group, length, length).add(mask)
                    .reshape(rows, kvHeads, group * length, length);
            NDArray context = scores.softmax(-1).matMul(values)
                    .reshape(rows, heads, length, headDim).transpose(0, 2, 1, 3).reshape(rows * length,
                            (long) heads * headDim);
            x = x.add(project(context, index, ProjectionKind.O, w));

            NDArray normed2 = rmsNorm(x, w.postNorm());
            NDArray gate = project(normed2, index, ProjectionKind.GATE, w);
            NDArray up = project(normed2, index, ProjectionKind.UP, w);
            return x.add(project(gate.mul(Activation.sigmoid(gate)).mul(up), index, ProjectionKind.DOWN, w));
        }

        /** x·Wᵀ + b, plus scale·(dropout(x)·Aᵀ)·Bᵀ when the projection is adapted. */
        private NDArray project(NDArray x, int layer, ProjectionKind kind, TrainingWeights.Layer w) {
            NDArray y = x.matMul(w.weightT(kind));
            if (w.bias(kind) != null) {
                y = y.add(w.bias(kind));
            }
            if (lora != null && lora.adapts(layer, kind)) {
                NDArray input = options.dropout() > 0 ? x.mul(dropoutMask(x.getShape(), layer, kind)) : x;
                // The scale goes on B (out × r), not on the delta (tokens × out).
                NDArray scaledB = lora.b(layer, kind).mul(loraScale);
                y = y.add(input.matMul(lora.a(layer, kind).transpose()).matMul(scaledB.transpose()));
            }
            return y;
        }

        /** Inverted dropout: 0 with probability p, else 1/(1−p); the same mask whenever this step is recomputed. */
        private NDArray dropoutMask(Shape shape, int layer, ProjectionKind kind) {
            double p = options.dropout();
            float keep = (float) (1 / (1 - p));
            SplittableRandom random = new SplittableRandom(options.noiseSeed() * 31 + layer * 7L + kind.ordinal());
            float[] values = new float[(int) shape.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble() < p ? 0f : keep;
            }
            return array(values, shape);
        }

        private NDArray rmsNorm(NDArray x, NDArray weight) {
            NDArray rms = x.square().mean(new int[] {-1}, true).add(normEpsilon).sqrt();
            return x.div(rms).mul(weight);
        }

        /** x·cos + rotate_half(x)·sin over x [rows, length, heads, headDim]. */
        private NDArray rope(NDArray x) {
            int half = config.headDim() / 2;
            NDArray rotated = x.get(":, :, :, {}:", half).neg().concat(x.get(":, :, :, :{}", half), -1);
            return x.mul(cos).add(rotated.mul(sin));
        }

        /** cos and sin [rows, length, 1, headDim] at every token's position (HF's rotate_half layout). */
        private NDArray[] rotaryTables() {
            int headDim = config.headDim();
            int half = headDim / 2;
            int total = batch.rows() * batch.length();
            int maxPosition = 0;
            for (int p : batch.positionIds()) {
                maxPosition = Math.max(maxPosition, p);
            }
            float[] invFreq = weights.rope().inverseFrequencies(maxPosition + 1);
            float[] cosValues = new float[total * headDim];
            float[] sinValues = new float[total * headDim];
            for (int t = 0; t < total; t++) {
                weights.rope().cosSin(batch.positionIds()[t], invFreq, cosValues, sinValues, t * headDim);
                System.arraycopy(cosValues, t * headDim, cosValues, t * headDim + half, half);
                System.arraycopy(sinValues, t * headDim, sinValues, t * headDim + half, half);
            }
            Shape shape = new Shape(batch.rows(), batch.length(), 1, headDim);
            return new NDArray[] {array(cosValues, shape), array(sinValues, shape)};
        }

        /** 0 where a query may attend to a key, −∞ elsewhere: [rows, 1, 1, length, length]. */
        private NDArray attentionMask() {
            int length = batch.length();
            float[] values = new float[batch.rows() * length * length];
            for (int r = 0; r < batch.rows(); r++) {
                for (int q = 0; q < length; q++) {
                    int offset = (r * length + q) * length;
                    for (int k = 0; k < length; k++) {
                        if (!batch.attends(r, q, k)) {
                            values[offset + k] = Float.NEGATIVE_INFINITY;
                        }
                    }
                }
            }
            return array(values, new Shape(batch.rows(), 1, 1, length, length));
        }

        /**
         * A constant of the step's graph, owned by the step's manager. Never {@code x.mul(Number)}: DJL wraps the
         * number in an array over a direct buffer and closes it at once, so the buffer may be freed by the garbage
         * collector before the backward pass reads the value autograd saved (seen as zero or NaN gradients).
         */
        private NDArray scalar(double value) {
            NDArray number = manager.create(value);
            return dataType == DataType.FLOAT64 ? number : number.toType(dataType, false);
        }

        private NDArray array(float[] values, Shape shape) {
            NDArray array = manager.create(values, shape);
            return dataType == DataType.FLOAT32 ? array : array.toType(dataType, false);
        }
    }

    private static long[] toLongs(int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return longs;
    }
}
