package dev.lorafoundry.api.dto;

import java.util.List;

/** Chat log-probs: {@code {"content":[...]}}. */
public record ChatLogprobs(List<ChatTokenLogprob> content) {}
