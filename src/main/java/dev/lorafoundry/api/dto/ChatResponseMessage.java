package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The assistant message of a chat completion choice; content is null when the model only called tools. */
public record ChatResponseMessage(
        String role,
        String content,
        @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ChatToolCall> toolCalls) {}
