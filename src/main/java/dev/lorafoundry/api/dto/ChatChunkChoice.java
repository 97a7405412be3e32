package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One choice inside a {@code chat.completion.chunk}. */
public record ChatChunkChoice(
        int index,
        ChatDelta delta,
        ChatLogprobs logprobs,
        @JsonProperty("finish_reason") String finishReason) {}
