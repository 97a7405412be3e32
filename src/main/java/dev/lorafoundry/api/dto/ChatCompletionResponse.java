package dev.lorafoundry.api.dto;

import java.util.List;

/** POST /v1/chat/completions response ({@code object: chat.completion}). */
public record ChatCompletionResponse(
        String id,
        String object,
        long created,
        String model,
        List<ChatChoice> choices,
        Usage usage) {}
