package dev.lorafoundry.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activation rows re-laid out for the kernels: rows are grouped in blocks of {@link DotProductKernels#ROW_BLOCK}
 * (the last block may be shorter), and inside a block the rows' vectors of the same input slice sit next to each
 * other. A 4×4 block then reads its four activation vectors from one contiguous 256-byte run per step instead of
 * four rows far apart: measured here, that alone makes 16-row products ~40% faster than reading x in place.
 *
 * <p>Only the whole vectors of each row are packed ({@link #vectorWidth()} elements); the kernels read the few
 * elements past them from the original rows. Row r, vector slice s (elements s·L .. s·L+L−1) is at
 * {@code offset(r) + s * stride(r)}. One row needs no repacking: its layout is the row itself.
 */
final class PackedActivations {

    private static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;
    private static final int LANES = SPECIES.length();

    private float[] scratch = new float[0];
    private float[] packed;
    private int rows;
    private int vectorWidth;

    /** Packs {@code rows × in} row-major activations; the previous packing is overwritten. */
    void pack(float[] x, int rows, int in) {
        this.rows = rows;
        this.vectorWidth = SPECIES.loopBound(in);
        if (rows == 1) {
            packed = x;
            return;
        }
        int needed = rows * vectorWidth;
        if (scratch.length < needed) {
            scratch = new float[needed];
        }
        packed = scratch;
        for (int first = 0; first < rows; first += DotProductKernels.ROW_BLOCK) {
            int blockRows = Math.min(DotProductKernels.ROW_BLOCK, rows - first);
            int base = first * vectorWidth;
            for (int j = 0; j < blockRows; j++) {
                int from = (first + j) * in;
                int to = base + j * LANES;
                for (int i = 0; i < vectorWidth; i += LANES, to += blockRows * LANES) {
                    FloatVector.fromArray(SPECIES, x, from + i).intoArray(packed, to);
                }
            }
        }
    }

    /** The packed values; valid until the next {@link #pack}. */
    float[] data() {
        return packed;
    }

    /** Elements of each row that were packed: the largest multiple of the vector length not above {@code in}. */
    int vectorWidth() {
        return vectorWidth;
    }

    /** Where row r's first vector starts. */
    int offset(int r) {
        int first = r - r % DotProductKernels.ROW_BLOCK;
        return first * vectorWidth + (r - first) * LANES;
    }

    /** Distance between row r's consecutive vectors: the vector length times the rows of r's block. */
    int stride(int r) {
        int first = r - r % DotProductKernels.ROW_BLOCK;
        return Math.min(DotProductKernels.ROW_BLOCK, rows - first) * LANES;
    }

    /** Drops the reference to the caller's activations (the scratch space is kept for the next call). */
    void release() {
        packed = null;
    }
}
