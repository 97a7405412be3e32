package dev.lorafoundry.model.lora;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Turns an adapter's PEFT-layout weights into {@link PreparedLora}: B transposed for the expand, and DoRA's per-row
 * scale m / ‖W + scale·B·A‖ computed once from the base weight (PEFT detaches that norm, so it is a constant).
 */
public final class LoraPreparation {

    /** Read access to the base model's f32 weights, [out × in] row-major little-endian, by layer and projection. */
    @FunctionalInterface
    public interface BaseWeights {
        ByteBuffer weight(int layer, ProjectionKind kind);
    }

    private LoraPreparation() {}

    /** Safe to call from any thread: the base weights are only read. */
    public static PreparedLora prepare(String name, LoraWeights weights, BaseWeights base) {
        int layers = weights.numLayers();
        ProjectionKind[] kinds = ProjectionKind.values();
        PreparedProjection[][] prepared = new PreparedProjection[layers][kinds.length];
        long bytes = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (ProjectionKind kind : kinds) {
                LoraProjection p = weights.projection(layer, kind);
                if (p == null) {
                    continue;
                }
                float[] bT = transpose(p.b(), p.out(), p.rank());
                float[] doraScale = p.dora() ? doraScale(p, base.weight(layer, kind)) : null;
                prepared[layer][kind.ordinal()] =
                        new PreparedProjection(p.rank(), p.in(), p.out(), p.a(), bT, p.scale(), doraScale);
                bytes += p.sizeBytes();
            }
        }
        return new PreparedLora(name, prepared, bytes);
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** m[o] / ‖W[o,:] + scale·Σ_j B[o][j]·A[j,:]‖₂, accumulated in double. */
    private static float[] doraScale(LoraProjection p, ByteBuffer weight) {
        FloatBuffer w = weight.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear().asFloatBuffer();
        int in = p.in();
        int rank = p.rank();
        float[] row = new float[in];
        float[] scale = new float[p.out()];
        for (int o = 0; o < p.out(); o++) {
            w.get(o * in, row, 0, in);
            double squares = 0;
            for (int i = 0; i < in; i++) {
                double delta = 0;
                for (int j = 0; j < rank; j++) {
                    delta += (double) p.b()[o * rank + j] * p.a()[j * in + i];
                }
                double value = row[i] + p.scale() * delta;
                squares += value * value;
            }
            scale[o] = (float) (p.magnitude()[o] / Math.sqrt(squares));
        }
        return scale;
    }
}
