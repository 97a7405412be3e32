package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One streamed event of a chat completion ({@code object: chat.completion.chunk}). */
public record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        List<ChatChunkChoice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}
