package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One choice of a text completion (also the shape of a streamed chunk's choice). */
public record CompletionChoice(
        int index,
        String text,
        CompletionLogprobs logprobs,
        @JsonProperty("finish_reason") String finishReason) {}
