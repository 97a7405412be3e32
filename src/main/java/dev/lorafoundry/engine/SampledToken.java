package dev.lorafoundry.engine;

/**
 * The token a {@link Sampler} picked, with its log-prob under the raw model distribution.
 *
 * @param logprobs null when the request asked for no log-probs ({@code params.logprobs() < 0})
 */
public record SampledToken(int tokenId, TokenLogprobs logprobs) {}
