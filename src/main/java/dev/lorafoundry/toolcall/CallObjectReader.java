package dev.lorafoundry.toolcall;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Set;

/**
 * Reads one complete call object {@code {"name": …, "arguments"|"parameters": …}} as the model wrote it. Object
 * arguments become their own text without insignificant whitespace (escapes and number spelling kept as written, so a
 * stream can send them as they arrive and still match); string arguments holding a JSON object are used as they are.
 */
final class CallObjectReader {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CallObjectReader() {}

    /**
     * The call in {@code objectText}, or null when it is not valid JSON, has no string name, names a function outside
     * {@code knownFunctions} (null means any), has both or unusable arguments.
     */
    static ToolCall read(String objectText, Set<String> knownFunctions) {
        JsonNode root;
        try {
            root = STRICT.readTree(objectText);
        } catch (IOException malformed) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            return null;
        }
        if (knownFunctions != null && !knownFunctions.contains(name.asText())) {
            return null;
        }
        if (root.has("arguments") && root.has("parameters")) {
            return null;
        }
        String argumentsKey = root.has("arguments") ? "arguments" : "parameters";
        String argumentsJson = argumentsJson(objectText, argumentsKey, root.get(argumentsKey));
        return argumentsJson == null ? null : new ToolCall(ToolCallIds.next(), name.asText(), argumentsJson);
    }

    /** The JSON string literal body {@code raw} (as between the quotes) decoded, or null when it is not valid. */
    static String decodeStringLiteral(String raw) {
        try {
            JsonNode node = STRICT.readTree("\"" + raw + "\"");
            return node.isTextual() ? node.asText() : null;
        } catch (IOException malformed) {
            return null;
        }
    }

    private static String argumentsJson(String objectText, String key, JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}"; // a function without parameters
        }
        if (arguments.isObject()) {
            int start = valueOffset(objectText, key);
            return start < 0 ? null : JsonObjectScanner.compactObjectAt(objectText, start);
        }
        if (arguments.isTextual()) {
            try {
                JsonNode inner = STRICT.readTree(arguments.asText());
                return inner != null && inner.isObject() ? arguments.asText() : null;
            } catch (IOException notJson) {
                return null;
            }
        }
        return null;
    }

    /** Character offset in {@code objectText} where the top-level member {@code key}'s value begins. */
    private static int valueOffset(String objectText, String key) {
        try (JsonParser parser = STRICT.getFactory().createParser(objectText)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals(key)) {
                    return (int) parser.currentTokenLocation().getCharOffset();
                }
                parser.skipChildren();
            }
            return -1;
        } catch (IOException malformed) {
            return -1;
        }
    }
}
