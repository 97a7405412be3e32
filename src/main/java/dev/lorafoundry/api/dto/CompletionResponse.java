package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** POST /v1/completions response and, with usage omitted, each streamed chunk. */
public record CompletionResponse(
        String id,
        String object,
        long created,
        String model,
        List<CompletionChoice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {}
