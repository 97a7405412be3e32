package dev.lorafoundry.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.toolcall.ToolCall;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the value of a sharegpt function_call turn, {"name": ..., "arguments": {...}} or a list of those, into tool
 * calls (arguments kept as JSON text, as OpenAI does).
 */
final class FunctionCallText {

    private FunctionCallText() {}

    static List<ToolCall> parse(String value) {
        JsonNode parsed;
        try {
            parsed = JsonRecordFile.JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        List<JsonNode> calls = new ArrayList<>();
        if (parsed != null && parsed.isArray()) {
            parsed.forEach(calls::add);
        } else if (parsed != null) {
            calls.add(parsed);
        }
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("holds no function call; expected {\"name\": ..., \"arguments\": {...}}");
        }
        List<ToolCall> result = new ArrayList<>(calls.size());
        for (JsonNode call : calls) {
            result.add(toolCall(null, call));
        }
        return result;
    }

    /** One call object {"name", "arguments"}; arguments may be an object or a JSON string holding one. */
    static ToolCall toolCall(String id, JsonNode call) {
        if (call == null || !call.isObject() || !call.path("name").isTextual() || call.path("name").asText().isBlank()) {
            throw new IllegalArgumentException("needs {\"name\": ..., \"arguments\": {...}}, got " + call);
        }
        JsonNode arguments = call.get("arguments");
        String argumentsJson;
        if (arguments == null || arguments.isNull()) {
            argumentsJson = "{}";
        } else if (arguments.isTextual()) {
            argumentsJson = arguments.asText();
            try {
                JsonRecordFile.JSON.readTree(argumentsJson);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("has arguments that are not valid JSON (" + e.getOriginalMessage() + ")");
            }
        } else {
            argumentsJson = arguments.toString();
        }
        return new ToolCall(id, call.get("name").asText(), argumentsJson);
    }
}
