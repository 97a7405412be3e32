package dev.lorafoundry.engine;

import java.util.List;

/**
 * Log-prob of one chosen token under the model's distribution, with the most likely alternatives.
 *
 * @param logprob null for the first prompt token, which has no context
 */
public record TokenLogprobs(int tokenId, Float logprob, List<TokenLogprob> top) {

    /** One alternative token and its log-prob. */
    public record TokenLogprob(int tokenId, float logprob) {}
}
