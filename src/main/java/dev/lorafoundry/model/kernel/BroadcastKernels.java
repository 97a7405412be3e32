package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Broadcast kernels over packed weights ({@link PackedWeights}) and packed activation panels
 * ({@link PackedActivations}): for each input i, one vector load gives a block's weights for a whole vector of
 * outputs, and each activation row's value x[r][i] is broadcast and multiplied into that row's accumulator. So the
 * accumulators hold finished outputs (stored as vectors, no horizontal sums), and every weight loaded feeds all the
 * panel's rows while it is in a register: the weights stream once, as one sequential pass per block.
 *
 * <p>Kernel {@code b4xR}: four consecutive blocks (four vectors of outputs, starting at output {@code o},
 * {@code blockBytes} apart in {@code blocks}) times a panel of R rows (input-major from {@code xp[xOffset]}), into
 * {@code y[yOffset + j·out + o …]} for panel row j. At most 16 accumulators: half the AVX-512 registers, the rest for
 * the loaded weights and broadcasts. Four blocks at once give the memory system four streams to prefetch; measured
 * here, that beats fewer streams with more rows per loaded weight: one row over four blocks streams ~15% faster than
 * over one, and 16 rows as four 4-row panels over four blocks run ~6% faster than one 16-row panel over one block
 * at a time (the later panels re-read the group from cache).
 */
final class BroadcastKernels {

    static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;

    private static final int LANES = SPECIES.length();
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;

    private BroadcastKernels() {
    }

    /** Four blocks times a panel of 4 rows. */
    static void b4x4(MemorySegment blocks, long blockBytes, int in, float[] xp, int xOffset, float[] y, int yOffset,
                      int out, int o) {
        FloatVector b0r0 = FloatVector.zero(SPECIES);
        FloatVector b0r1 = b0r0, b0r2 = b0r0, b0r3 = b0r0, b1r0 = b0r0, b1r1 = b0r0, b1r2 = b0r0;
        FloatVector b1r3 = b0r0, b2r0 = b0r0;
        FloatVector b2r1 = b0r0, b2r2 = b0r0, b2r3 = b0r0, b3r0 = b0r0, b3r1 = b0r0, b3r2 = b0r0, b3r3 = b0r0;
        for (int i = 0, p = xOffset; i < in; i++, p += 4) {
            long at = (long) i * VECTOR_BYTES;
            FloatVector u0 = SegmentVectorLoads.load(blocks, at);
            FloatVector u1 = SegmentVectorLoads.load(blocks, at + blockBytes);
            FloatVector u2 = SegmentVectorLoads.load(blocks, at + 2 * blockBytes);
            FloatVector u3 = SegmentVectorLoads.load(blocks, at + 3 * blockBytes);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[p]);
            b0r0 = u0.fma(x0, b0r0); b1r0 = u1.fma(x0, b1r0); b2r0 = u2.fma(x0, b2r0); b3r0 = u3.fma(x0, b3r0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[p + 1]);
            b0r1 = u0.fma(x1, b0r1); b1r1 = u1.fma(x1, b1r1); b2r1 = u2.fma(x1, b2r1); b3r1 = u3.fma(x1, b3r1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, xp[p + 2]);
            b0r2 = u0.fma(x2, b0r2); b1r2 = u1.fma(x2, b1r2); b2r2 = u2.fma(x2, b2r2); b3r2 = u3.fma(x2, b3r2);
            FloatVector x3 = FloatVector.broadcast(SPECIES, xp[p + 3]);
            b0r3 = u0.fma(x3, b0r3); b1r3 = u1.fma(x3, b1r3); b2r3 = u2.fma(x3, b2r3); b3r3 = u3.fma(x3, b3r3);
        }
        store(b0r0, y, yOffset, o, out);
        store(b1r0, y, yOffset, o + LANES, out);
        store(b2r0, y, yOffset, o + 2 * LANES, out);
        store(b3r0, y, yOffset, o + 3 * LANES, out);
        store(b0r1, y, yOffset + out, o, out);
        store(b1r1, y, yOffset + out, o + LANES, out);
        store(b2r1, y, yOffset + out, o + 2 * LANES, out);
        store(b3r1, y, yOffset + out, o + 3 * LANES, out);
        store(b0r2, y, yOffset + 2 * out, o, out);
        store(b1r2, y, yOffset + 2 * out, o + LANES, out);
        store(b2r2, y, yOffset + 2 * out, o + 2 * LANES, out);
        store(b3r2, y, yOffset + 2 * out, o + 3 * LANES, out);
        store(b0r3, y, yOffset + 3 * out, o, out);
        store(b1r3, y, yOffset + 3 * out, o + LANES, out);
        store(b2r3, y, yOffset + 3 * out, o + 2 * LANES, out);
        store(b3r3, y, yOffset + 3 * out, o + 3 * LANES, out);
    }

    /** Four blocks times a panel of 2 rows. */
    static void b4x2(MemorySegment blocks, long blockBytes, int in, float[] xp, int xOffset, float[] y, int yOffset,
                      int out, int o) {
        FloatVector b0r0 = FloatVector.zero(SPECIES);
        FloatVector b0r1 = b0r0, b1r0 = b0r0, b1r1 = b0r0, b2r0 = b0r0, b2r1 = b0r0, b3r0 = b0r0, b3r1 = b0r0;
        for (int i = 0, p = xOffset; i < in; i++, p += 2) {
            long at = (long) i * VECTOR_BYTES;
            FloatVector u0 = SegmentVectorLoads.load(blocks, at);
            FloatVector u1 = SegmentVectorLoads.load(blocks, at + blockBytes);
            FloatVector u2 = SegmentVectorLoads.load(blocks, at + 2 * blockBytes);
            FloatVector u3 = SegmentVectorLoads.load(blocks, at + 3 * blockBytes);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[p]);
            b0r0 = u0.fma(x0, b0r0); b1r0 = u1.fma(x0, b1r0); b2r0 = u2.fma(x0, b2r0); b3r0 = u3.fma(x0, b3r0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, xp[p + 1]);
            b0r1 = u0.fma(x1, b0r1); b1r1 = u1.fma(x1, b1r1); b2r1 = u2.fma(x1, b2r1); b3r1 = u3.fma(x1, b3r1);
        }
        store(b0r0, y, yOffset, o, out);
        store(b1r0, y, yOffset, o + LANES, out);
        store(b2r0, y, yOffset, o + 2 * LANES, out);
        store(b3r0, y, yOffset, o + 3 * LANES, out);
        store(b0r1, y, yOffset + out, o, out);
        store(b1r1, y, yOffset + out, o + LANES, out);
        store(b2r1, y, yOffset + out, o + 2 * LANES, out);
        store(b3r1, y, yOffset + out, o + 3 * LANES, out);
    }

    /** Four blocks times one row: the single-stream decode kernel. */
    static void b4x1(MemorySegment blocks, long blockBytes, int in, float[] xp, int xOffset, float[] y, int yOffset,
                      int out, int o) {
        FloatVector b0r0 = FloatVector.zero(SPECIES);
        FloatVector b1r0 = b0r0, b2r0 = b0r0, b3r0 = b0r0;
        for (int i = 0, p = xOffset; i < in; i++, p += 1) {
            long at = (long) i * VECTOR_BYTES;
            FloatVector u0 = SegmentVectorLoads.load(blocks, at);
            FloatVector u1 = SegmentVectorLoads.load(blocks, at + blockBytes);
            FloatVector u2 = SegmentVectorLoads.load(blocks, at + 2 * blockBytes);
            FloatVector u3 = SegmentVectorLoads.load(blocks, at + 3 * blockBytes);
            FloatVector x0 = FloatVector.broadcast(SPECIES, xp[p]);
            b0r0 = u0.fma(x0, b0r0); b1r0 = u1.fma(x0, b1r0); b2r0 = u2.fma(x0, b2r0); b3r0 = u3.fma(x0, b3r0);
        }
        store(b0r0, y, yOffset, o, out);
        store(b1r0, y, yOffset, o + LANES, out);
        store(b2r0, y, yOffset, o + 2 * LANES, out);
        store(b3r0, y, yOffset, o + 3 * LANES, out);
    }

    /** Stores one vector of outputs o..o+LANES-1 of a row: whole, cut at {@code out}, or not at all (padding). */
    private static void store(FloatVector v, float[] y, int rowOffset, int o, int out) {
        if (o + LANES <= out) {
            v.intoArray(y, rowOffset + o);
        } else if (o < out) {
            v.intoArray(y, rowOffset + o, SPECIES.indexInRange(o, out));
        }
    }
}
