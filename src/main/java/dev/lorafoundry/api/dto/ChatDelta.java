package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The change a streamed chat chunk carries; absent fields are omitted, so the final delta is {}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatDelta(String role, String content, @JsonProperty("tool_calls") List<ChatToolCall> toolCalls) {

    public ChatDelta(String role, String content) {
        this(role, content, null);
    }
}
