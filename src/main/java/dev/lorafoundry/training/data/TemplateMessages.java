package dev.lorafoundry.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.toolcall.ToolCall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation as the maps a Hugging Face chat template reads (the shape the chat endpoint passes too): system first,
 * tool-call arguments as objects where they are JSON objects (templates apply tojson to them), tools in OpenAI shape.
 */
final class TemplateMessages {

    private TemplateMessages() {}

    /** The messages; index 0 is the system prompt when the conversation has one. */
    static List<Map<String, Object>> messages(Conversation conversation) {
        List<Map<String, Object>> messages = new ArrayList<>();
        if (conversation.system() != null) {
            messages.add(message("system", conversation.system()));
        }
        for (Turn turn : conversation.turns()) {
            Map<String, Object> message = message(turn.role().templateRole(), turn.content());
            if (!turn.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall call : turn.toolCalls()) {
                    calls.add(toolCall(call));
                }
                message.put("tool_calls", calls);
            }
            if (turn.toolCallId() != null) {
                message.put("tool_call_id", turn.toolCallId());
            }
            messages.add(message);
        }
        return messages;
    }

    /** The tools as a list of maps, or null. */
    static List<Map<String, Object>> tools(Conversation conversation) {
        if (conversation.toolsJson() == null) {
            return null;
        }
        try {
            return JsonRecordFile.JSON.readValue(conversation.toolsJson(), new TypeReference<List<Map<String, Object>>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the conversation's tools are not a JSON array of objects: " + e.getOriginalMessage());
        }
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    private static Map<String, Object> toolCall(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        function.put("arguments", arguments(call.argumentsJson()));
        Map<String, Object> map = new LinkedHashMap<>();
        if (call.id() != null) {
            map.put("id", call.id());
        }
        map.put("type", "function");
        map.put("function", function);
        return map;
    }

    private static Object arguments(String json) {
        try {
            JsonNode parsed = JsonRecordFile.JSON.readTree(json);
            if (parsed != null && parsed.isObject()) {
                return JsonRecordFile.JSON.convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() {});
            }
        } catch (JsonProcessingException e) {
            // not JSON: the template sees the text as written
        }
        return json;
    }
}
