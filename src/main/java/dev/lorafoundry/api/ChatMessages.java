package dev.lorafoundry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.api.dto.ChatMessage;
import dev.lorafoundry.api.error.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates OpenAI chat messages and turns them into the maps a Hugging Face chat template expects. */
final class ChatMessages {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatMessages() {}

    static List<Map<String, Object>> toTemplateInput(List<ChatMessage> messages, String param) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid(param, param + " must be a non-empty list of chat messages.");
        }
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String where = param + "[" + i + "]";
            if (m == null) {
                throw ApiException.invalid(where, where + " must be a message object.");
            }
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw ApiException.invalid(where + ".role", where + ".role must be one of " + ROLES + ", got " + (m.role() == null ? "nothing" : "'" + m.role() + "'") + ".");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", content(m, where));
            if (m.name() != null) {
                map.put("name", m.name());
            }
            if (m.toolCalls() != null) {
                map.put("tool_calls", toolCallsForTemplate(m.toolCalls()));
            }
            if (m.toolCallId() != null) {
                map.put("tool_call_id", m.toolCallId());
            }
            out.add(map);
        }
        return out;
    }

    /**
     * OpenAI sends arguments as JSON text; templates (Qwen2.5, Llama 3.1) render them with tojson and expect an
     * object, so JSON-object arguments become maps (insertion-ordered), as vLLM does.
     */
    private static List<Map<String, Object>> toolCallsForTemplate(List<Map<String, Object>> calls) {
        List<Map<String, Object>> out = new ArrayList<>(calls.size());
        for (Map<String, Object> call : calls) {
            Map<String, Object> copy = new LinkedHashMap<>(call);
            if (call.get("function") instanceof Map<?, ?> function && function.get("arguments") instanceof String text) {
                Map<String, Object> f = new LinkedHashMap<>();
                function.forEach((k, v) -> f.put(String.valueOf(k), v));
                try {
                    JsonNode parsed = JSON.readTree(text);
                    if (parsed != null && parsed.isObject()) {
                        f.put("arguments", JSON.convertValue(parsed, LinkedHashMap.class));
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // Not JSON: the template sees the text as the client sent it.
                }
                copy.put("function", f);
            }
            out.add(copy);
        }
        return out;
    }

    /** A string, null (only an assistant calling tools may omit it), or text parts joined into one string. */
    private static String content(ChatMessage m, String where) {
        JsonNode content = m.content();
        if (content == null || content.isNull()) {
            if ("assistant".equals(m.role())) {
                return null;
            }
            throw ApiException.invalid(where + ".content", where + ".content is required for role '" + m.role() + "'.");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiException.invalid(where + ".content", where + ".content must be a string or a list of {\"type\":\"text\",\"text\":...} parts.");
        }
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String partWhere = where + ".content[" + p + "]";
            String type = part.path("type").asText("");
            if (!"text".equals(type)) {
                throw ApiException.invalid(partWhere, partWhere + " has type '" + type + "'; only \"text\" parts are supported by this text-only model.");
            }
            if (!part.path("text").isTextual()) {
                throw ApiException.invalid(partWhere + ".text", partWhere + ".text must be a string.");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }
}
