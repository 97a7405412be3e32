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
 * {@code segment} (vector loads) and at index {@code o * in + i} of {@code w} (the scalar tail). Activation rows
 * come packed ({@link PackedActivations}): a kernel gets the packed array {@code xp}, the offset of its first row's
 * first vector and the stride between that row's vectors; its further rows follow one vector length apart. The
 * elements past the packed vectors are summed in scalar code from the original rows {@code x[r * in + i]}.
 * Results go to {@code y[r * out + o]}.
 *
 * <p>A 4×4 block keeps 16 accumulators in registers so each loaded vector feeds four FMAs. Larger blocks
 * (6×4, 3×8: 24 accumulators) measured slower here: C2 spills. The 4×2 and 4×1 blocks cover the last rows of x,
 * 1×1 the last rows of W.
 */
final class DotProductKernels {

    static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;
    /** Weight rows handled together by one kernel call. */
    static final int WEIGHT_BLOCK = 4;
    /** Activation rows handled together by one kernel call (and packed together). */
    static final int ROW_BLOCK = 4;

    private static final int LANES = SPECIES.length();

    private DotProductKernels() {
    }

    /** Weight rows o..o+3 times activation rows r..r+3, into y[r..r+3][o..o+3]. */
    static void block4x4(MemorySegment segment, FloatBuffer w, int o, int in, float[] xp, int xOffset, int xStride,
                         float[] x, int r, float[] y, int out) {
        long rowBytes = (long) in * Float.BYTES;
        long w0 = o * rowBytes, w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int bound = SPECIES.loopBound(in);
        for (int i = 0, p = xOffset; i < bound; i += LANES, p += xStride) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, xp, p);
            FloatVector v1 = FloatVector.fromArray(SPECIES, xp, p + LANES);
            FloatVector v2 = FloatVector.fromArray(SPECIES, xp, p + 2 * LANES);
            FloatVector v3 = FloatVector.fromArray(SPECIES, xp, p + 3 * LANES);
            long b = (long) i * Float.BYTES;
            FloatVector u = SegmentVectorLoads.load(segment, w0 + b);
            a00 = u.fma(v0, a00); a01 = u.fma(v1, a01); a02 = u.fma(v2, a02); a03 = u.fma(v3, a03);
            u = SegmentVectorLoads.load(segment, w1 + b);
            a10 = u.fma(v0, a10); a11 = u.fma(v1, a11); a12 = u.fma(v2, a12); a13 = u.fma(v3, a13);
            u = SegmentVectorLoads.load(segment, w2 + b);
            a20 = u.fma(v0, a20); a21 = u.fma(v1, a21); a22 = u.fma(v2, a22); a23 = u.fma(v3, a23);
            u = SegmentVectorLoads.load(segment, w3 + b);
            a30 = u.fma(v0, a30); a31 = u.fma(v1, a31); a32 = u.fma(v2, a32); a33 = u.fma(v3, a33);
        }
        int wr0 = o * in, wr1 = wr0 + in, wr2 = wr1 + in, wr3 = wr2 + in;
        int x0 = r * in, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
        int y0 = r * out + o, y1 = y0 + out, y2 = y1 + out, y3 = y2 + out;
        y[y0] = sum(a00) + tail(w, wr0, x, x0, bound, in);
        y[y1] = sum(a01) + tail(w, wr0, x, x1, bound, in);
        y[y2] = sum(a02) + tail(w, wr0, x, x2, bound, in);
        y[y3] = sum(a03) + tail(w, wr0, x, x3, bound, in);
        y[y0 + 1] = sum(a10) + tail(w, wr1, x, x0, bound, in);
        y[y1 + 1] = sum(a11) + tail(w, wr1, x, x1, bound, in);
        y[y2 + 1] = sum(a12) + tail(w, wr1, x, x2, bound, in);
        y[y3 + 1] = sum(a13) + tail(w, wr1, x, x3, bound, in);
        y[y0 + 2] = sum(a20) + tail(w, wr2, x, x0, bound, in);
        y[y1 + 2] = sum(a21) + tail(w, wr2, x, x1, bound, in);
        y[y2 + 2] = sum(a22) + tail(w, wr2, x, x2, bound, in);
        y[y3 + 2] = sum(a23) + tail(w, wr2, x, x3, bound, in);
        y[y0 + 3] = sum(a30) + tail(w, wr3, x, x0, bound, in);
        y[y1 + 3] = sum(a31) + tail(w, wr3, x, x1, bound, in);
        y[y2 + 3] = sum(a32) + tail(w, wr3, x, x2, bound, in);
        y[y3 + 3] = sum(a33) + tail(w, wr3, x, x3, bound, in);
    }

    /** Weight rows o..o+3 times activation rows r and r+1, into y[r..r+1][o..o+3]. */
    static void block4x2(MemorySegment segment, FloatBuffer w, int o, int in, float[] xp, int xOffset, int xStride,
                         float[] x, int r, float[] y, int out) {
        long rowBytes = (long) in * Float.BYTES;
        long w0 = o * rowBytes, w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
        FloatVector a00 = FloatVector.zero(SPECIES), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int bound = SPECIES.loopBound(in);
        for (int i = 0, p = xOffset; i < bound; i += LANES, p += xStride) {
            FloatVector v0 = FloatVector.fromArray(SPECIES, xp, p);
            FloatVector v1 = FloatVector.fromArray(SPECIES, xp, p + LANES);
            long b = (long) i * Float.BYTES;
            FloatVector u = SegmentVectorLoads.load(segment, w0 + b);
            a00 = u.fma(v0, a00); a01 = u.fma(v1, a01);
            u = SegmentVectorLoads.load(segment, w1 + b);
            a10 = u.fma(v0, a10); a11 = u.fma(v1, a11);
            u = SegmentVectorLoads.load(segment, w2 + b);
            a20 = u.fma(v0, a20); a21 = u.fma(v1, a21);
            u = SegmentVectorLoads.load(segment, w3 + b);
            a30 = u.fma(v0, a30); a31 = u.fma(v1, a31);
        }
        int wr0 = o * in, wr1 = wr0 + in, wr2 = wr1 + in, wr3 = wr2 + in;
        int x0 = r * in, x1 = x0 + in;
        int y0 = r * out + o, y1 = y0 + out;
        y[y0] = sum(a00) + tail(w, wr0, x, x0, bound, in);
        y[y1] = sum(a01) + tail(w, wr0, x, x1, bound, in);
        y[y0 + 1] = sum(a10) + tail(w, wr1, x, x0, bound, in);
        y[y1 + 1] = sum(a11) + tail(w, wr1, x, x1, bound, in);
        y[y0 + 2] = sum(a20) + tail(w, wr2, x, x0, bound, in);
        y[y1 + 2] = sum(a21) + tail(w, wr2, x, x1, bound, in);
        y[y0 + 3] = sum(a30) + tail(w, wr3, x, x0, bound, in);
        y[y1 + 3] = sum(a31) + tail(w, wr3, x, x1, bound, in);
    }

    /** Weight rows o..o+3 times the single activation row r, into y[r][o..o+3]: the one-row (decode) kernel. */
    static void block4x1(MemorySegment segment, FloatBuffer w, int o, int in, float[] xp, int xOffset, int xStride,
                         float[] x, int r, float[] y, int out) {
        long rowBytes = (long) in * Float.BYTES;
        long w0 = o * rowBytes, w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        int bound = SPECIES.loopBound(in);
        for (int i = 0, p = xOffset; i < bound; i += LANES, p += xStride) {
            FloatVector v = FloatVector.fromArray(SPECIES, xp, p);
            long b = (long) i * Float.BYTES;
            a0 = SegmentVectorLoads.load(segment, w0 + b).fma(v, a0);
            a1 = SegmentVectorLoads.load(segment, w1 + b).fma(v, a1);
            a2 = SegmentVectorLoads.load(segment, w2 + b).fma(v, a2);
            a3 = SegmentVectorLoads.load(segment, w3 + b).fma(v, a3);
        }
        int wr0 = o * in;
        int x0 = r * in;
        int y0 = r * out + o;
        y[y0] = sum(a0) + tail(w, wr0, x, x0, bound, in);
        y[y0 + 1] = sum(a1) + tail(w, wr0 + in, x, x0, bound, in);
        y[y0 + 2] = sum(a2) + tail(w, wr0 + 2 * in, x, x0, bound, in);
        y[y0 + 3] = sum(a3) + tail(w, wr0 + 3 * in, x, x0, bound, in);
    }

    /** Weight row o times activation row r, into y[r][o]: the last rows of W when out is not a multiple of 4. */
    static void block1x1(MemorySegment segment, FloatBuffer w, int o, int in, float[] xp, int xOffset, int xStride,
                         float[] x, int r, float[] y, int out) {
        long w0 = (long) o * in * Float.BYTES;
        FloatVector a = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(in);
        for (int i = 0, p = xOffset; i < bound; i += LANES, p += xStride) {
            a = SegmentVectorLoads.load(segment, w0 + (long) i * Float.BYTES)
                    .fma(FloatVector.fromArray(SPECIES, xp, p), a);
        }
        y[r * out + o] = sum(a) + tail(w, o * in, x, r * in, bound, in);
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
