package dev.lorafoundry.engine;

import java.util.ArrayList;
import java.util.List;

/** Log-probs of a token under the raw model distribution ({@code log_softmax} of unmodified logits). */
public final class Logprobs {

    private Logprobs() {}

    /** log_softmax of raw logits: the chosen token's log-prob and the topN most likely (descending). */
    public static TokenLogprobs of(float[] logits, int offset, int vocabSize, int chosenToken, int topN) {
        if (offset < 0 || vocabSize <= 0 || offset + vocabSize > logits.length) {
            throw new IllegalArgumentException("logits row [" + offset + ", " + (offset + vocabSize)
                    + ") does not fit in an array of length " + logits.length);
        }
        if (chosenToken < 0 || chosenToken >= vocabSize) {
            throw new IllegalArgumentException("chosen token " + chosenToken + " is outside the vocabulary [0, " + vocabSize + ")");
        }
        double logNormaliser = logSumExp(logits, offset, vocabSize);
        float chosen = (float) (logits[offset + chosenToken] - logNormaliser);
        int n = Math.min(Math.max(topN, 0), vocabSize);
        int[] best = TopTokens.largest(logits, offset, vocabSize, n);
        List<TokenLogprobs.TokenLogprob> top = new ArrayList<>(n);
        for (int token : best) {
            top.add(new TokenLogprobs.TokenLogprob(token, (float) (logits[offset + token] - logNormaliser)));
        }
        return new TokenLogprobs(chosenToken, chosen, List.copyOf(top));
    }

    /** log Σ exp(logits), with the sum in double so a 150k-token vocabulary loses no precision. */
    static double logSumExp(float[] logits, int offset, int vocabSize) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset, end = offset + vocabSize; i < end; i++) {
            if (logits[i] > max) {
                max = logits[i];
            }
        }
        if (max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
            throw new IllegalStateException("the logits row has no finite maximum (" + max
                    + "): the model produced invalid output, so no log-probs can be computed");
        }
        double sum = 0;
        for (int i = offset, end = offset + vocabSize; i < end; i++) {
            sum += Math.exp((double) logits[i] - max);
        }
        return max + Math.log(sum);
    }
}
