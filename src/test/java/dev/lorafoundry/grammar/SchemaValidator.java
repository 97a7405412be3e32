package dev.lorafoundry.grammar;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON-schema validator written for the tests, independent of the grammar code: it checks a parsed value
 * against the keywords the grammar claims to enforce and lists every violation.
 */
final class SchemaValidator {

    private final JsonNode root;

    private SchemaValidator(JsonNode root) {
        this.root = root;
    }

    static List<String> violations(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        new SchemaValidator(schema).check(schema, value, "$", errors);
        return errors;
    }

    private void check(JsonNode schema, JsonNode value, String at, List<String> errors) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                errors.add(at + ": false schema");
            }
            return;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            String[] parts = ref.substring(2).split("/");
            check(root.get(parts[0]).get(parts[1]), value, at, errors);
        }
        if (schema.has("type")) {
            JsonNode type = schema.get("type");
            boolean any = false;
            for (JsonNode name : type.isArray() ? type : List.of(type)) {
                any |= hasType(value, name.asText());
            }
            if (!any) {
                errors.add(at + ": " + value + " is not of type " + type);
                return;
            }
        }
        if (schema.has("const") && !sameValue(schema.get("const"), value)) {
            errors.add(at + ": " + value + " is not the const " + schema.get("const"));
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= sameValue(allowed, value);
            }
            if (!found) {
                errors.add(at + ": " + value + " is not in enum " + schema.get("enum"));
            }
        }
        if (schema.has("anyOf") && matching(schema.get("anyOf"), value) == 0) {
            errors.add(at + ": " + value + " matches no anyOf alternative");
        }
        if (schema.has("oneOf") && matching(schema.get("oneOf"), value) != 1) {
            errors.add(at + ": " + value + " matches " + matching(schema.get("oneOf"), value) + " oneOf alternatives, not 1");
        }
        if (schema.has("allOf")) {
            for (JsonNode part : schema.get("allOf")) {
                check(part, value, at, errors);
            }
        }
        if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                errors.add(at + ": string shorter than minLength");
            }
            if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                errors.add(at + ": string longer than maxLength");
            }
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                errors.add(at + ": fewer items than minItems");
            }
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
                errors.add(at + ": more items than maxItems");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    check(schema.get("items"), value.get(i), at + "[" + i + "]", errors);
                }
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            for (JsonNode name : schema.path("required")) {
                if (!value.has(name.asText())) {
                    errors.add(at + ": required property " + name + " missing");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                if (properties.has(member.getKey())) {
                    check(properties.get(member.getKey()), member.getValue(), at + "." + member.getKey(), errors);
                } else if (schema.has("additionalProperties")) {
                    check(schema.get("additionalProperties"), member.getValue(), at + "." + member.getKey(), errors);
                }
            }
        }
    }

    private int matching(JsonNode alternatives, JsonNode value) {
        int count = 0;
        for (JsonNode alternative : alternatives) {
            List<String> errors = new ArrayList<>();
            check(alternative, value, "$", errors);
            count += errors.isEmpty() ? 1 : 0;
        }
        return count;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    /** JSON equality: numbers compare by value (1 == 1.0), as JSON schema says. */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (!sameValue(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject() && a.size() == b.size()) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!b.has(name) || !sameValue(a.get(name), b.get(name))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
