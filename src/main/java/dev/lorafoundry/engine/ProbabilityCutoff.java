package dev.lorafoundry.engine;

/**
 * Which tokens survive filtering, as a threshold on their (unnormalised) probability: every token with
 * {@code q > above}, plus the first {@code ties} tokens in id order whose {@code q == above}.
 * Top-k, top-p and min-p all keep a most-likely prefix, so each is one cutoff and their intersection is
 * simply the stricter of two.
 */
record ProbabilityCutoff(float above, int ties) {

    /** Keeps every token with a non-zero probability. */
    static final ProbabilityCutoff KEEP_ALL = new ProbabilityCutoff(0f, 0);

    /** Keeps every token with {@code q >= threshold}. */
    static ProbabilityCutoff atLeast(double threshold) {
        float f = (float) threshold;
        if (f < threshold) {
            f = Math.nextUp(f);
        }
        return new ProbabilityCutoff(Math.nextDown(f), 0);
    }

    /** The intersection of two prefix cutoffs: the stricter one. */
    ProbabilityCutoff stricter(ProbabilityCutoff other) {
        if (above != other.above) {
            return above > other.above ? this : other;
        }
        return ties <= other.ties ? this : other;
    }
}
