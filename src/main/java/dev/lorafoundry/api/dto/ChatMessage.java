package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** One chat message as the client sent it; content is a string, null, or a list of {"type":"text"} parts. */
public record ChatMessage(
        String role,
        JsonNode content,
        String name,
        @JsonProperty("tool_calls") List<Map<String, Object>> toolCalls,
        @JsonProperty("tool_call_id") String toolCallId) {}
