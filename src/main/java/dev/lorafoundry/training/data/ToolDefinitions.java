package dev.lorafoundry.training.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Brings the tools column to OpenAI's shape, [{"type":"function","function":{name, description, parameters}}], which
 * chat templates render: sharegpt data (glaive) stores bare function objects as a JSON string.
 */
public final class ToolDefinitions {

    private ToolDefinitions() {}

    /** Normalised JSON text, or null when there are no tools; malformed tools throw IllegalArgumentException. */
    public static String normalise(String toolsJson) {
        if (toolsJson == null || toolsJson.isBlank()) {
            return null;
        }
        JsonNode parsed;
        try {
            parsed = JsonRecordFile.JSON.readTree(toolsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return normalise(parsed);
    }

    /** The same for a column already parsed (an array of tools, or one tool object). */
    public static String normalise(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        ArrayNode list = JsonRecordFile.JSON.createArrayNode();
        if (tools.isObject()) {
            list.add(tools);
        } else if (tools.isArray()) {
            list.addAll((ArrayNode) tools);
        } else {
            throw new IllegalArgumentException("must be a JSON array of tools, got " + RecordFields.typeName(tools));
        }
        if (list.isEmpty()) {
            return null;
        }
        ArrayNode out = JsonRecordFile.JSON.createArrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode tool = list.get(i);
            JsonNode function = tool.has("function") ? tool.get("function") : tool;
            if (!tool.isObject() || !function.isObject() || !function.path("name").isTextual()
                    || function.path("name").asText().isBlank()) {
                throw new IllegalArgumentException("tool " + i + " has no function name; each tool needs "
                        + "{\"name\": ..., \"parameters\": {...}} (optionally wrapped as {\"type\":\"function\",\"function\":...})");
            }
            ObjectNode wrapped = JsonRecordFile.JSON.createObjectNode();
            wrapped.put("type", "function");
            wrapped.set("function", function);
            out.add(wrapped);
        }
        return out.toString();
    }
}
