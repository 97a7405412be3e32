package dev.lorafoundry.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a JSON schema into {@link ValueNode}s, or says (with the schema path) what is invalid or cannot be enforced.
 * Keywords that only annotate (description, title, default, examples, format...) and unknown keywords are ignored:
 * a validator ignores them too, so the output still validates.
 */
final class SchemaCompiler {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Assertions the recogniser cannot guarantee; ignoring them could produce output that fails validation. */
    private static final List<String> UNSUPPORTED = List.of("pattern", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties", "patternProperties", "propertyNames",
            "dependentRequired", "dependentSchemas", "dependencies", "not", "if", "then", "else", "contains",
            "minContains", "maxContains", "prefixItems", "additionalItems", "unevaluatedProperties",
            "unevaluatedItems", "$dynamicRef", "$recursiveRef");

    /** Keywords that constrain a value; they may not sit beside $ref, anyOf, oneOf or allOf here. */
    private static final List<String> CONSTRAINING = List.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "oneOf", "allOf", "$ref");

    private static final List<String> TYPE_NAMES = List.of("object", "array", "string", "number", "integer", "boolean", "null");

    private final JsonNode root;
    private final Deque<String> refsBeingCompiled = new ArrayDeque<>();

    private SchemaCompiler(JsonNode root) {
        this.root = root;
    }

    static ValueNode compile(JsonNode schema) {
        if (schema == null || schema.isMissingNode()) {
            throw new SchemaException("", "no schema was given; send a JSON schema object");
        }
        return new SchemaCompiler(schema).node(schema, "");
    }

    private ValueNode node(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new SchemaException(path, "schema at '" + path + "' is false, so no value can match it");
            }
            return anyValue();
        }
        if (!schema.isObject()) {
            throw new SchemaException(path, "schema at '" + path + "' must be a JSON object or a boolean, not " + kind(schema));
        }
        for (String keyword : UNSUPPORTED) {
            if (schema.has(keyword)) {
                throw new SchemaException(path + "/" + keyword, "keyword '" + keyword + "' at '" + path
                        + "' cannot be enforced during generation; remove it from the schema (validate it afterwards)");
            }
        }
        if (schema.has("uniqueItems") && schema.get("uniqueItems").asBoolean(false)) {
            throw new SchemaException(path + "/uniqueItems", "keyword 'uniqueItems: true' at '" + path
                    + "' cannot be enforced during generation; remove it from the schema (validate it afterwards)");
        }
        if (schema.has("$ref")) {
            onlyKeyword(schema, path, "$ref");
            return reference(schema.get("$ref"), path + "/$ref");
        }
        if (schema.has("allOf")) {
            onlyKeyword(schema, path, "allOf");
            List<JsonNode> parts = schemaList(schema.get("allOf"), path + "/allOf");
            if (parts.size() != 1) {
                throw new SchemaException(path + "/allOf", "allOf at '" + path + "' combines " + parts.size()
                        + " schemas; only a single-schema allOf is supported, merge them into one schema");
            }
            return node(parts.get(0), path + "/allOf/0");
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (schema.has(combinator)) {
                onlyKeyword(schema, path, combinator);
                List<JsonNode> parts = schemaList(schema.get(combinator), path + "/" + combinator);
                List<ValueNode> alternatives = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    alternatives.add(node(parts.get(i), path + "/" + combinator + "/" + i));
                }
                return alternatives.size() == 1 ? alternatives.get(0) : new ValueNode.AnyOfNode(List.copyOf(alternatives));
            }
        }
        Set<String> types = types(schema, path);
        if (schema.has("enum") || schema.has("const")) {
            return literals(schema, path, types);
        }
        if (types.isEmpty()) {
            types = inferredTypes(schema);
        }
        List<ValueNode> alternatives = new ArrayList<>();
        for (String type : types) {
            alternatives.add(switch (type) {
                case "object" -> object(schema, path);
                case "array" -> array(schema, path);
                case "string" -> new ValueNode.StringNode(bound(schema, path, "minLength", 0),
                        maxBound(schema, path, "minLength", "maxLength", JsonGrammar.DEFAULT_MAX_LENGTH));
                case "number" -> new ValueNode.NumberNode(false);
                case "integer" -> new ValueNode.NumberNode(true);
                case "boolean" -> ValueNode.LiteralsNode.of("true", "false");
                case "null" -> ValueNode.LiteralsNode.of("null");
                default -> anyValue(); // "any": no type given and nothing to infer one from
            });
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new ValueNode.AnyOfNode(List.copyOf(alternatives));
    }

    private ValueNode reference(JsonNode ref, String path) {
        if (!ref.isTextual()) {
            throw new SchemaException(path, "$ref at '" + path + "' must be a string like \"#/$defs/Name\"");
        }
        String text = ref.asText();
        String section;
        if (text.startsWith("#/$defs/")) {
            section = "$defs";
        } else if (text.startsWith("#/definitions/")) {
            section = "definitions";
        } else {
            throw new SchemaException(path, "$ref \"" + text + "\" at '" + path
                    + "' is not supported; only references into this schema's #/$defs/... or #/definitions/... are");
        }
        String name = text.substring(section.length() + 3).replace("~1", "/").replace("~0", "~");
        JsonNode target = root.path(section).get(name);
        if (target == null) {
            throw new SchemaException(path, "$ref \"" + text + "\" at '" + path + "' names no schema; add '" + name
                    + "' under " + section + " at the top of the schema");
        }
        if (refsBeingCompiled.contains(text)) {
            throw new SchemaException(path, "$ref \"" + text + "\" at '" + path
                    + "' is recursive; recursive schemas cannot be enforced, unroll the recursion to a fixed depth");
        }
        refsBeingCompiled.push(text);
        try {
            return node(target, "/" + section + "/" + pointerToken(name));
        } finally {
            refsBeingCompiled.pop();
        }
    }

    private ValueNode object(JsonNode schema, String path) {
        JsonNode properties = schema.get("properties");
        if (properties != null && !properties.isObject()) {
            throw new SchemaException(path + "/properties", "'properties' at '" + path
                    + "' must be an object mapping property names to schemas, not " + kind(properties));
        }
        Set<String> required = required(schema, path, properties);
        if (properties != null) {
            // additionalProperties is not enforced: only the listed properties are written, which satisfies it either way
            List<ValueNode.ObjectNode.Property> compiled = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                ValueNode value = node(entry.getValue(), path + "/properties/" + pointerToken(entry.getKey()));
                compiled.add(ValueNode.ObjectNode.Property.of(quoted(entry.getKey()), value, required.contains(entry.getKey())));
            }
            return ValueNode.ObjectNode.of(compiled);
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional == null || (additional.isBoolean() && additional.booleanValue())) {
            return new ValueNode.FreeObjectNode(anyValue(), JsonGrammar.DEFAULT_MAX_ITEMS);
        }
        if (additional.isBoolean()) {
            return ValueNode.ObjectNode.of(List.of()); // no properties allowed at all: {}
        }
        if (!additional.isObject()) {
            throw new SchemaException(path + "/additionalProperties", "'additionalProperties' at '" + path
                    + "' must be a boolean or a schema, not " + kind(additional));
        }
        return new ValueNode.FreeObjectNode(node(additional, path + "/additionalProperties"), JsonGrammar.DEFAULT_MAX_ITEMS);
    }

    private static Set<String> required(JsonNode schema, String path, JsonNode properties) {
        Set<String> names = new LinkedHashSet<>();
        JsonNode required = schema.get("required");
        if (required == null) {
            return names;
        }
        if (!required.isArray()) {
            throw new SchemaException(path + "/required", "'required' at '" + path + "' must be an array of property names, not "
                    + kind(required));
        }
        for (int i = 0; i < required.size(); i++) {
            JsonNode name = required.get(i);
            if (!name.isTextual()) {
                throw new SchemaException(path + "/required/" + i, "'required' at '" + path
                        + "' must list property names as strings; item " + i + " is " + kind(name));
            }
            if (properties == null || !properties.has(name.asText())) {
                throw new SchemaException(path + "/required/" + i, "'required' at '" + path + "' names property \""
                        + name.asText() + "\" which is not under 'properties'; declare it there or drop it from 'required'");
            }
            names.add(name.asText());
        }
        return names;
    }

    private ValueNode array(JsonNode schema, String path) {
        JsonNode items = schema.get("items");
        ValueNode itemNode;
        if (items == null) {
            itemNode = anyValue();
        } else if (items.isArray()) {
            throw new SchemaException(path + "/items", "'items' at '" + path
                    + "' is an array (tuple validation), which is not supported; give one schema for all items");
        } else {
            itemNode = node(items, path + "/items");
        }
        return new ValueNode.ArrayNode(itemNode, bound(schema, path, "minItems", 0),
                maxBound(schema, path, "minItems", "maxItems", JsonGrammar.DEFAULT_MAX_ITEMS));
    }

    private ValueNode literals(JsonNode schema, String path, Set<String> types) {
        List<JsonNode> values = new ArrayList<>();
        String where;
        if (schema.has("const")) {
            where = path + "/const";
            values.add(schema.get("const"));
        } else {
            where = path + "/enum";
            JsonNode list = schema.get("enum");
            if (!list.isArray() || list.isEmpty()) {
                throw new SchemaException(where, "'enum' at '" + path + "' must be a non-empty array of allowed values, not "
                        + (list.isArray() ? "an empty array" : kind(list)));
            }
            list.forEach(values::add);
        }
        List<byte[]> texts = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            JsonNode value = values.get(i);
            if (!types.isEmpty() && types.stream().noneMatch(type -> hasType(value, type))) {
                throw new SchemaException(schema.has("const") ? where : where + "/" + i, "value " + value + " at '" + where
                        + "' is not of the declared type " + types + "; fix the value or the type");
            }
            try {
                texts.add(JSON.writeValueAsBytes(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Jackson could not write a value it parsed", e);
            }
        }
        return new ValueNode.LiteralsNode(List.copyOf(texts));
    }

    private static Set<String> types(JsonNode schema, String path) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode type = schema.get("type");
        if (type == null) {
            return types;
        }
        if (type.isTextual()) {
            types.add(typeName(type, path + "/type"));
        } else if (type.isArray() && !type.isEmpty()) {
            for (int i = 0; i < type.size(); i++) {
                types.add(typeName(type.get(i), path + "/type/" + i));
            }
        } else {
            throw new SchemaException(path + "/type", "'type' at '" + path
                    + "' must be a type name or a non-empty array of type names, not " + kind(type));
        }
        return types;
    }

    private static String typeName(JsonNode name, String path) {
        if (!name.isTextual() || !TYPE_NAMES.contains(name.asText())) {
            throw new SchemaException(path, "type " + name + " at '" + path + "' is not a JSON schema type; use one of "
                    + String.join(", ", TYPE_NAMES));
        }
        return name.asText();
    }

    private static Set<String> inferredTypes(JsonNode schema) {
        if (schema.has("properties") || schema.has("required") || schema.has("additionalProperties")) {
            return Set.of("object");
        }
        if (schema.has("items") || schema.has("minItems") || schema.has("maxItems")) {
            return Set.of("array");
        }
        if (schema.has("minLength") || schema.has("maxLength")) {
            return Set.of("string");
        }
        return Set.of("any");
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean" -> value.isBoolean();
            default -> value.isNull();
        };
    }

    private static int bound(JsonNode schema, String path, String keyword, int fallback) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return fallback;
        }
        if (!value.canConvertToInt() || !(value.isIntegralNumber() || value.decimalValue().stripTrailingZeros().scale() <= 0)
                || value.asInt() < 0) {
            throw new SchemaException(path + "/" + keyword, "'" + keyword + "' at '" + path
                    + "' must be a non-negative integer, not " + value);
        }
        return value.asInt();
    }

    /** The max bound, defaulting to the larger of the cap and the min; a max below the min is an error. */
    private static int maxBound(JsonNode schema, String path, String minKeyword, String maxKeyword, int cap) {
        int min = bound(schema, path, minKeyword, 0);
        int max = bound(schema, path, maxKeyword, Math.max(cap, min));
        if (max < min) {
            throw new SchemaException(path + "/" + maxKeyword, "'" + maxKeyword + "' " + max + " at '" + path
                    + "' is below '" + minKeyword + "' " + min + ", so no value can match");
        }
        return max;
    }

    private static List<JsonNode> schemaList(JsonNode list, String path) {
        if (!list.isArray() || list.isEmpty()) {
            throw new SchemaException(path, "'" + path.substring(path.lastIndexOf('/') + 1) + "' at '" + path
                    + "' must be a non-empty array of schemas, not " + (list.isArray() ? "an empty array" : kind(list)));
        }
        List<JsonNode> schemas = new ArrayList<>();
        list.forEach(schemas::add);
        return schemas;
    }

    /** $ref and the combinators take the whole schema here: other constraints beside them are not merged in. */
    private static void onlyKeyword(JsonNode schema, String path, String keyword) {
        for (String other : CONSTRAINING) {
            if (!other.equals(keyword) && schema.has(other)) {
                throw new SchemaException(path + "/" + other, "'" + other + "' beside '" + keyword + "' at '" + path
                        + "' is not supported; move it into the schemas that '" + keyword + "' points to");
            }
        }
    }

    private static ValueNode anyValue() {
        return ValueNode.anyValue(2, JsonGrammar.MAX_FREE_DEPTH, JsonGrammar.DEFAULT_MAX_ITEMS, JsonGrammar.DEFAULT_MAX_LENGTH);
    }

    private static String quoted(String name) {
        try {
            return JSON.writeValueAsString(TextNode.valueOf(name));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Jackson could not write a string", e);
        }
    }

    private static String pointerToken(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "the string " + value;
            case NUMBER -> "the number " + value;
            case BOOLEAN -> "the boolean " + value;
            case NULL -> "null";
            default -> value.toString();
        };
    }
}
