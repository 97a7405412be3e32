package dev.lorafoundry.engine;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks the next token for one sequence from its raw logits, applying the request's sampling rules.
 *
 * <p>Order (vLLM's): logit_bias; repetition, frequency and presence penalties; then either greedy
 * argmax (temperature 0, no RNG) or temperature, top_k, top_p, min_p and a weighted draw. Returned
 * log-probs are of the raw model distribution. One instance per sequence; not thread-safe. The only
 * vocabulary-sized memory is one reusable buffer, allocated when raw logits must be kept for log-probs.
 */
public final class Sampler {

    private final SamplingParams params;
    private final int vocabSize;
    private final SplittableRandom random;
    private final int[] biasTokens;
    private final float[] biasValues;
    private final LogitPenalties penalties;
    private final int topK;
    private final float[] topKHeap;
    private final NucleusSelector nucleus;
    private final ProbabilityCutoff minPCutoff;
    private float[] scratch;

    public Sampler(SamplingParams params, int vocabSize) {
        SamplingParamsCheck.validate(params, vocabSize);
        this.params = params;
        this.vocabSize = vocabSize;
        this.random = params.seed() != null ? new SplittableRandom(params.seed()) : new SplittableRandom();
        this.biasTokens = new int[params.logitBias().size()];
        this.biasValues = new float[biasTokens.length];
        int i = 0;
        for (Map.Entry<Integer, Double> bias : params.logitBias().entrySet()) {
            biasTokens[i] = bias.getKey();
            biasValues[i++] = bias.getValue().floatValue();
        }
        LogitPenalties configured = new LogitPenalties(
                params.repetitionPenalty(), params.presencePenalty(), params.frequencyPenalty(), vocabSize);
        this.penalties = configured.isActive() ? configured : null;
        this.topK = params.topK() > 0 && params.topK() < vocabSize ? params.topK() : 0;
        this.topKHeap = topK > 0 ? new float[topK] : null;
        this.nucleus = params.topP() < 1 ? new NucleusSelector() : null;
        this.minPCutoff = params.minP() > 0 ? ProbabilityCutoff.atLeast(params.minP()) : null;
    }

    /** logits: the raw next-token logits of this row (only [offset, offset+vocabSize) used; may be overwritten). promptTokens and the first outputCount of outputTokens feed the penalties. */
    public SampledToken sample(float[] logits, int offset, int[] promptTokens, int[] outputTokens, int outputCount) {
        if (offset < 0 || offset + vocabSize > logits.length) {
            throw new IllegalArgumentException("logits row [" + offset + ", " + (offset + vocabSize)
                    + ") does not fit in an array of length " + logits.length);
        }
        int token;
        if (params.isGreedy() && biasTokens.length == 0 && penalties == null) {
            token = argmax(logits, offset);
        } else {
            float[] work = logits;
            int base = offset;
            if (params.logprobs() >= 0) {
                // Log-probs are of the raw distribution, so the caller's row must survive untouched.
                work = scratch();
                System.arraycopy(logits, offset, work, 0, vocabSize);
                base = 0;
            }
            token = sampleProcessed(work, base, promptTokens, outputTokens, outputCount);
        }
        TokenLogprobs logprobs = params.logprobs() >= 0
                ? Logprobs.of(logits, offset, vocabSize, token, params.logprobs())
                : null;
        return new SampledToken(token, logprobs);
    }

    /**
     * The normalised distribution this sampler would draw from (0 for filtered tokens), or a one-hot
     * vector when greedy. For tests and diagnostics: it allocates a vocabulary-sized array.
     */
    double[] finalDistribution(float[] logits, int offset, int[] promptTokens, int[] outputTokens, int outputCount) {
        float[] work = new float[vocabSize];
        System.arraycopy(logits, offset, work, 0, vocabSize);
        double[] distribution = new double[vocabSize];
        modify(work, 0, promptTokens, outputTokens, outputCount);
        if (params.isGreedy()) {
            distribution[argmax(work, 0)] = 1;
            return distribution;
        }
        KeptTokens kept = toProbabilities(work, 0);
        int tiesSeen = 0;
        for (int token = 0; token < vocabSize; token++) {
            float q = work[token];
            if (kept.keeps(q, q == kept.cutoff().above() ? tiesSeen++ : 0)) {
                distribution[token] = q / kept.mass();
            }
        }
        return distribution;
    }

    private int sampleProcessed(float[] work, int base, int[] promptTokens, int[] outputTokens, int outputCount) {
        modify(work, base, promptTokens, outputTokens, outputCount);
        if (params.isGreedy()) {
            return argmax(work, base);
        }
        return draw(work, base, toProbabilities(work, base));
    }

    /** logit_bias, then penalties, in place. */
    private void modify(float[] work, int base, int[] promptTokens, int[] outputTokens, int outputCount) {
        for (int i = 0; i < biasTokens.length; i++) {
            work[base + biasTokens[i]] += biasValues[i];
        }
        if (penalties != null) {
            penalties.apply(work, base, promptTokens, outputTokens, outputCount);
        }
    }

    /** The tokens a draw chooses among, and their unnormalised total probability. */
    private record KeptTokens(ProbabilityCutoff cutoff, double mass) {

        boolean keeps(float q, int tiesSeenBefore) {
            return q > cutoff.above() || (q == cutoff.above() && tiesSeenBefore < cutoff.ties());
        }
    }

    /**
     * Replaces logits by unnormalised probabilities exp((l - max) / T), zero outside top_k, and
     * returns what top_p and min_p keep of them.
     */
    private KeptTokens toProbabilities(float[] work, int base) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = base, end = base + vocabSize; i < end; i++) {
            if (work[i] > max) max = work[i];
        }
        if (max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("no token has a finite logit after logit_bias and penalties (max = " + max
                    + "); check logit_bias values, which must be finite");
        }
        // top_k keeps every token whose logit ties the k-th largest, like vLLM's threshold mask.
        float kthLogit = topK > 0 ? TopTokens.kthLargestValue(work, base, vocabSize, topK, topKHeap) : Float.NEGATIVE_INFINITY;
        double inverseTemperature = 1.0 / params.temperature();
        float minPAbove = minPCutoff != null ? minPCutoff.above() : Float.POSITIVE_INFINITY;
        double total = 0;
        double minPMass = 0;
        for (int i = base, end = base + vocabSize; i < end; i++) {
            float logit = work[i];
            double exponent = ((double) logit - max) * inverseTemperature;
            // Below -104 the float result is 0 anyway; skipping exp there saves time on flat tails.
            float q = logit >= kthLogit && exponent > -104 ? (float) Math.exp(exponent) : 0f;
            work[i] = q;
            total += q;
            if (q > minPAbove) minPMass += q;
        }
        KeptTokens kept = new KeptTokens(ProbabilityCutoff.KEEP_ALL, total);
        if (nucleus != null) {
            NucleusSelector.Selection selection = nucleus.select(work, base, vocabSize, total, params.topP() * total);
            kept = new KeptTokens(selection.cutoff(), selection.keptMass());
        }
        // The most likely token has q = exp(0) = 1, so "p < min_p × p_max" is simply "q < min_p".
        if (minPCutoff != null && kept.cutoff().stricter(minPCutoff) == minPCutoff) {
            kept = new KeptTokens(minPCutoff, minPMass);
        }
        return kept;
    }

    private int draw(float[] q, int base, KeptTokens kept) {
        double target = random.nextDouble() * kept.mass();
        double cumulative = 0;
        int tiesSeen = 0;
        int lastKept = -1;
        for (int token = 0; token < vocabSize; token++) {
            float value = q[base + token];
            if (kept.keeps(value, value == kept.cutoff().above() ? tiesSeen++ : 0)) {
                cumulative += value;
                lastKept = token;
                if (target < cumulative) {
                    return token;
                }
            }
        }
        return lastKept;   // rounding put the target at the very end of the kept mass
    }

    /** The most likely token; the lowest id among equals. */
    private int argmax(float[] values, int base) {
        int best = 0;
        float bestValue = values[base];
        for (int token = 1; token < vocabSize; token++) {
            float value = values[base + token];
            if (value > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(value))) {
                best = token;
                bestValue = value;
            }
        }
        return best;
    }

    private float[] scratch() {
        if (scratch == null) {
            scratch = new float[vocabSize];
        }
        return scratch;
    }
}
