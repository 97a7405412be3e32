package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tool call in an assistant message, or a piece of one in a streamed delta ({@code index} set; id, type and name
 * only on the first piece of each call).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatToolCall(Integer index, String id, String type, ChatFunctionCall function) {}
