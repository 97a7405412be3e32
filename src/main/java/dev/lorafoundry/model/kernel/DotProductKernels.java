package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked dot products of weight rows with activation rows, using the widest vectors the CPU has.
 *
 * <p>Weight rows are read in place: W[o][i] is the little-endian float at byte {@code (o * in + i) * 4} of
 * {@code segment} (vector loads) and at index {@code o * in + i} of {@code w} (the scalar tail). Activation rows are in {@code x}
 * ({@code x[r * in + i]}), results go to {@code y[r * out + o]}. A 4×4 block keeps 16 accumulators in
 * registers so each loaded vector feeds four FMAs; the 4×1, 1×4 and 1×1 blocks cover the edges.
 * Elements past the last full vector are summed in scalar code.
 */
final class DotProductKernels {

    static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;
    /** Weight rows handled together by one kernel call. */
    static final int WEIGHT_BLOCK = 4;
    /** Activation rows handled together by one kernel call. */
    static final int ROW_BLOCK = 4;

    private DotProductKernels() {
    }

    /** Weight rows o..o+3 times activation rows r..r+3, into y[r..r+3][o..o+3]. */
    static void block4x4(MemorySegment segment, FloatBuffer w, int o, int in, float[] x, int r, float[] y, int out) {
        int w0 = o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
        int x0 = r * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int bound = SPECIES.loopBound(in);
        int step = SPECIES.length();
        for (int i = 0; i < bound; i += step) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, x2 + i);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, x3 + i);
            FloatVector u = SegmentVectorLoads.load(segment, (w0 + (long) i) * Float.BYTES);
            a00 = u.fma(v0, a00); a01 = u.fma(v1, a01); a02 = u.fma(v2, a02); a03 = u.fma(v3, a03);
            u = SegmentVectorLoads.load(segment, (w1 + (long) i) * Float.BYTES);
            a10 = u.fma(v0, a10); a11 = u.fma(v1, a11); a12 = u.fma(v2, a12); a13 = u.fma(v3, a13);
            u = SegmentVectorLoads.load(segment, (w2 + (long) i) * Float.BYTES);
            a20 = u.fma(v0, a20); a21 = u.fma(v1, a21); a22 = u.fma(v2, a22); a23 = u.fma(v3, a23);
            u = SegmentVectorLoads.load(segment, (w3 + (long) i) * Float.BYTES);
            a30 = u.fma(v0, a30); a31 = u.fma(v1, a31); a32 = u.fma(v2, a32); a33 = u.fma(v3, a33);
        }
        y[r * out + o] = sum(a00) + tail(w, w0, x, x0, bound, in);
        y[(r + 1) * out + o] = sum(a01) + tail(w, w0, x, x1, bound, in);
        y[(r + 2) * out + o] = sum(a02) + tail(w, w0, x, x2, bound, in);
        y[(r + 3) * out + o] = sum(a03) + tail(w, w0, x, x3, bound, in);
        y[r * out + o + 1] = sum(a10) + tail(w, w1, x, x0, bound, in);
        y[(r + 1) * out + o + 1] = sum(a11) + tail(w, w1, x, x1, bound, in);
        y[(r + 2) * out + o + 1] = sum(a12) + tail(w, w1, x, x2, bound, in);
        y[(r + 3) * out + o + 1] = sum(a13) + tail(w, w1, x, x3, bound, in);
        y[r * out + o + 2] = sum(a20) + tail(w, w2, x, x0, bound, in);
        y[(r + 1) * out + o + 2] = sum(a21) + tail(w, w2, x, x1, bound, in);
        y[(r + 2) * out + o + 2] = sum(a22) + tail(w, w2, x, x2, bound, in);
        y[(r + 3) * out + o + 2] = sum(a23) + tail(w, w2, x, x3, bound, in);
        y[r * out + o + 3] = sum(a30) + tail(w, w3, x, x0, bound, in);
        y[(r + 1) * out + o + 3] = sum(a31) + tail(w, w3, x, x1, bound, in);
        y[(r + 2) * out + o + 3] = sum(a32) + tail(w, w3, x, x2, bound, in);
        y[(r + 3) * out + o + 3] = sum(a33) + tail(w, w3, x, x3, bound, in);
    }

    /** Weight rows o..o+3 times the single activation row r, into y[r][o..o+3]. */
    static void block4x1(MemorySegment segment, FloatBuffer w, int o, int in, float[] x, int r, float[] y, int out) {
        int w0 = o * in, w1 = w0 + in, w2 = w1 + in, w3 = w2 + in;
        int x0 = r * in;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int bound = SPECIES.loopBound(in);
        int step = SPECIES.length();
        for (int i = 0; i < bound; i += step) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, x0 + i);
            a0 = SegmentVectorLoads.load(segment, (w0 + (long) i) * Float.BYTES).fma(v, a0);
            a1 = SegmentVectorLoads.load(segment, (w1 + (long) i) * Float.BYTES).fma(v, a1);
            a2 = SegmentVectorLoads.load(segment, (w2 + (long) i) * Float.BYTES).fma(v, a2);
            a3 = SegmentVectorLoads.load(segment, (w3 + (long) i) * Float.BYTES).fma(v, a3);
        }
        int yRow = r * out + o;
        y[yRow] = sum(a0) + tail(w, w0, x, x0, bound, in);
        y[yRow + 1] = sum(a1) + tail(w, w1, x, x0, bound, in);
        y[yRow + 2] = sum(a2) + tail(w, w2, x, x0, bound, in);
        y[yRow + 3] = sum(a3) + tail(w, w3, x, x0, bound, in);
    }

    /** Weight row o times activation rows r..r+3, into y[r..r+3][o]. */
    static void block1x4(MemorySegment segment, FloatBuffer w, int o, int in, float[] x, int r, float[] y, int out) {
        int w0 = o * in;
        int x0 = r * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int bound = SPECIES.loopBound(in);
        int step = SPECIES.length();
        for (int i = 0; i < bound; i += step) {
            FloatVector u = SegmentVectorLoads.load(segment, (w0 + (long) i) * Float.BYTES);
            a0 = u.fma(FloatVector.fromArray(SPECIES, x, x0 + i), a0);
            a1 = u.fma(FloatVector.fromArray(SPECIES, x, x1 + i), a1);
            a2 = u.fma(FloatVector.fromArray(SPECIES, x, x2 + i), a2);
            a3 = u.fma(FloatVector.fromArray(SPECIES, x, x3 + i), a3);
        }
        y[r * out + o] = sum(a0) + tail(w, w0, x, x0, bound, in);
        y[(r + 1) * out + o] = sum(a1) + tail(w, w0, x, x1, bound, in);
        y[(r + 2) * out + o] = sum(a2) + tail(w, w0, x, x2, bound, in);
        y[(r + 3) * out + o] = sum(a3) + tail(w, w0, x, x3, bound, in);
    }

    /** Weight row o times the single activation row r, into y[r][o]. */
    static void block1x1(MemorySegment segment, FloatBuffer w, int o, int in, float[] x, int r, float[] y, int out) {
        int w0 = o * in;
        int x0 = r * in;
        // Two accumulators hide part of the FMA latency on this rarely used edge.
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0;
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i + step < bound; i += 2 * step) {
            a0 = SegmentVectorLoads.load(segment, (w0 + (long) i) * Float.BYTES)
                    .fma(FloatVector.fromArray(SPECIES, x, x0 + i), a0);
            a1 = SegmentVectorLoads.load(segment, (w0 + (long) i + step) * Float.BYTES)
                    .fma(FloatVector.fromArray(SPECIES, x, x0 + i + step), a1);
        }
        if (i < bound) {
            a0 = SegmentVectorLoads.load(segment, (w0 + (long) i) * Float.BYTES)
                    .fma(FloatVector.fromArray(SPECIES, x, x0 + i), a0);
        }
        y[r * out + o] = sum(a0.add(a1)) + tail(w, w0, x, x0, bound, in);
    }

    private static float sum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    /** Scalar dot product of the elements [from, in) that do not fill a whole vector. */
    private static float tail(FloatBuffer w, int wRow, float[] x, int xRow, int from, int in) {
        float s = 0f;
        for (int i = from; i < in; i++) {
            s = Math.fma(w.get(wRow + i), x[xRow + i], s);
        }
        return s;
    }
}
