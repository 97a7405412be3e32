package dev.lorafoundry.engine;

import java.util.Arrays;

/**
 * Top-p without sorting the vocabulary: a radix select over the bit patterns of the (non-negative)
 * probabilities, whose integer order equals their numeric order. Each pass buckets the candidates by
 * the next bits and accumulates the mass per bucket, so at most three linear passes find the exact
 * probability at which the cumulative mass of the most likely tokens first reaches the target.
 */
final class NucleusSelector {

    // Bits [19,31), [7,19), [0,7) of a non-negative float: exponent plus leading mantissa first.
    private static final int[] SHIFTS = {19, 7, 0};
    private static final int[] WIDTHS = {12, 12, 7};
    private static final int BUCKETS = 1 << 12;

    private final double[] bucketMass = new double[BUCKETS];
    private final int[] bucketCount = new int[BUCKETS];
    private final int[] bucketLastToken = new int[BUCKETS];

    /** A top-p cutoff and the unnormalised mass of the tokens it keeps. */
    record Selection(ProbabilityCutoff cutoff, double keptMass) {}

    /**
     * The smallest most-likely set whose mass reaches {@code targetMass}, as a cutoff.
     *
     * @param q          unnormalised probabilities, all ≥ 0, at {@code q[base .. base+vocabSize)}
     * @param totalMass  the sum of q
     * @param targetMass top_p × totalMass
     */
    Selection select(float[] q, int base, int vocabSize, double totalMass, double targetMass) {
        int prefix = 0;
        int prefixShift = 31;
        double massAbove = 0;
        for (int level = 0; level < SHIFTS.length; level++) {
            int shift = SHIFTS[level];
            int mask = (1 << WIDTHS[level]) - 1;
            Arrays.fill(bucketMass, 0, mask + 1, 0.0);
            Arrays.fill(bucketCount, 0, mask + 1, 0);
            for (int token = 0; token < vocabSize; token++) {
                float value = q[base + token];
                int bits = Float.floatToRawIntBits(value);
                if (bits >>> prefixShift != prefix) continue;
                int bucket = (bits >>> shift) & mask;
                bucketMass[bucket] += value;
                bucketCount[bucket]++;
                bucketLastToken[bucket] = token;
            }
            int boundary = -1;
            int lowestNonEmpty = -1;
            for (int bucket = mask; bucket >= 0; bucket--) {
                if (bucketCount[bucket] == 0) continue;
                lowestNonEmpty = bucket;
                if (massAbove + bucketMass[bucket] >= targetMass) {
                    boundary = bucket;
                    break;
                }
                massAbove += bucketMass[bucket];
            }
            if (boundary < 0) {
                // Rounding left the sum a hair below the target: the whole candidate range is needed.
                if (level == 0) {
                    return new Selection(ProbabilityCutoff.KEEP_ALL, totalMass);
                }
                boundary = lowestNonEmpty;
                massAbove -= bucketMass[boundary];
            }
            if (bucketCount[boundary] == 1) {
                // A single token straddles the target: it is the last one kept.
                float last = q[base + bucketLastToken[boundary]];
                return new Selection(new ProbabilityCutoff(last, 1), massAbove + last);
            }
            prefix = (prefix << WIDTHS[level]) | boundary;
            prefixShift = shift;
        }
        // prefix now holds every bit: all bucketCount[...] candidates share exactly this probability.
        float tied = Float.intBitsToFloat(prefix);
        int lastBucket = prefix & ((1 << WIDTHS[WIDTHS.length - 1]) - 1);
        int needed = Math.max(1, Math.min((int) Math.ceil((targetMass - massAbove) / tied), bucketCount[lastBucket]));
        return new Selection(new ProbabilityCutoff(tied, needed), massAbove + (double) needed * tied);
    }
}
