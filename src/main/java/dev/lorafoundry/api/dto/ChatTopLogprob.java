package dev.lorafoundry.api.dto;

import java.util.List;

/** One alternative token in chat log-probs. */
public record ChatTopLogprob(String token, float logprob, List<Integer> bytes) {}
