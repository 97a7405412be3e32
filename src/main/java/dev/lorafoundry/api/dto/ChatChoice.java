package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One choice of a chat completion. */
public record ChatChoice(
        int index,
        ChatResponseMessage message,
        ChatLogprobs logprobs,
        @JsonProperty("finish_reason") String finishReason) {}
