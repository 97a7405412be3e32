package dev.lorafoundry.model.lora;

import java.util.function.IntConsumer;

/**
 * Adds the adapters' deltas to one projection's output, token by token within each {@link StepAdapters.Segment}:
 * shrink u = scale·A·x (rank dot products), expand y += Bᵀ-rows·u (rank scaled row additions). DoRA rows are then
 * rescaled: y = b + g ⊙ (W·x + scale·B·A·x) with g = m/‖W + scale·B·A‖. The base product stays one matmul for the
 * whole batch; this is the per-token part, a few percent of the base work at typical ranks.
 */
public final class LoraKernel {

    /** Runs parts 0..parts-1 of a loop, possibly on several threads; returns when all are done. */
    @FunctionalInterface
    public interface ParallelLoop {
        void run(int parts, IntConsumer part);

        ParallelLoop SERIAL = (parts, part) -> {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
        };
    }

    /** LoRA's per-token arithmetic (vectorised when the Vector API is there). */
    public interface Arithmetic {
        /** u[j] = scale · Σ_i x[xOffset + i]·a[j·in + i] for every j < u.length (the rank). */
        void shrink(float[] x, int xOffset, float[] a, int in, float scale, float[] u);

        /** target[offset + o] += Σ_j u[j]·bT[j·out + o] for every o < out. */
        void expand(float[] bT, int out, float[] u, float[] target, int offset);

        /** Plain loops; four partial sums in the shrink, as one dependency chain would leave the FPU idle. */
        Arithmetic SCALAR = new Arithmetic() {
            @Override
            public void shrink(float[] x, int xOffset, float[] a, int in, float scale, float[] u) {
                for (int j = 0; j < u.length; j++) {
                    int aOffset = j * in;
                    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    int i = 0;
                    for (; i + 4 <= in; i += 4) {
                        s0 += x[xOffset + i] * a[aOffset + i];
                        s1 += x[xOffset + i + 1] * a[aOffset + i + 1];
                        s2 += x[xOffset + i + 2] * a[aOffset + i + 2];
                        s3 += x[xOffset + i + 3] * a[aOffset + i + 3];
                    }
                    for (; i < in; i++) {
                        s0 += x[xOffset + i] * a[aOffset + i];
                    }
                    u[j] = scale * ((s0 + s1) + (s2 + s3));
                }
            }

            @Override
            public void expand(float[] bT, int out, float[] u, float[] target, int offset) {
                for (int j = 0; j < u.length; j++) {
                    float uj = u[j];
                    int bOffset = j * out;
                    for (int o = 0; o < out; o++) {
                        target[offset + o] += uj * bT[bOffset + o];
                    }
                }
            }
        };
    }

    /** Tokens per parallel part: enough work to be worth waking a thread. */
    private static final int PARTS_PER_THREAD = 4;

    private final ParallelLoop loop;
    private final int threads;
    private final Arithmetic arithmetic;

    public LoraKernel(ParallelLoop loop, int threads, Arithmetic arithmetic) {
        this.loop = loop;
        this.threads = Math.max(1, threads);
        this.arithmetic = arithmetic;
    }

    /**
     * Adds the deltas of every adapted token; tokens are shared out among the threads (each writes its own rows of y).
     *
     * @param x    the projection's input, [tokens × in] row-major
     * @param y    its base output including bias, [tokens × out]; updated in place
     * @param bias the projection's bias (needed for DoRA, which rescales W·x but not b), or null
     */
    public void apply(float[] x, float[] y, int layer, ProjectionKind kind, StepAdapters step, float[] bias) {
        int tokens = 0;
        for (StepAdapters.Segment segment : step.segments()) {
            if (segment.adapter().projection(layer, kind) != null) {
                tokens += segment.count();
            }
        }
        int parts = Math.min(tokens, threads * PARTS_PER_THREAD);
        int adapted = tokens;
        loop.run(parts, part -> applyPart(x, y, layer, kind, step, bias, adapted * part / parts,
                adapted * (part + 1) / parts));
    }

    /** The adapted tokens with index [from, to) counted over the segments that adapt this projection. */
    private void applyPart(float[] x, float[] y, int layer, ProjectionKind kind, StepAdapters step, float[] bias,
                                  int from, int to) {
        int index = 0;
        for (StepAdapters.Segment segment : step.segments()) {
            PreparedProjection p = segment.adapter().projection(layer, kind);
            if (p == null) {
                continue;
            }
            int first = Math.max(from, index);
            int end = Math.min(to, index + segment.count());
            if (first < end) {
                float[] u = new float[p.rank()];
                float[] delta = p.doraScale() == null ? null : new float[p.out()];
                for (int t = segment.start() + first - index; t < segment.start() + end - index; t++) {
                    arithmetic.shrink(x, t * p.in(), p.a(), p.in(), p.scale(), u);
                    if (delta == null) {
                        arithmetic.expand(p.bT(), p.out(), u, y, t * p.out());
                    } else {
                        java.util.Arrays.fill(delta, 0f);
                        arithmetic.expand(p.bT(), p.out(), u, delta, 0);
                        rescale(p.doraScale(), bias, delta, y, t * p.out());
                    }
                }
            }
            index += segment.count();
        }
    }

    private static void rescale(float[] g, float[] bias, float[] delta, float[] y, int offset) {
        for (int o = 0; o < g.length; o++) {
            float b = bias == null ? 0f : bias[o];
            y[offset + o] = b + g[o] * (y[offset + o] - b + delta[o]);
        }
    }
}
