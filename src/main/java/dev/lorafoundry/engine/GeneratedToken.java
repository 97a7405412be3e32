package dev.lorafoundry.engine;

/**
 * A token the engine produced and the text it finalised.
 *
 * @param text      text made final by this token (stop strings removed; may be empty)
 * @param logprobs  this token's log-prob with top alternatives; null unless requested
 */
public record GeneratedToken(int tokenId, String text, TokenLogprobs logprobs) {}
