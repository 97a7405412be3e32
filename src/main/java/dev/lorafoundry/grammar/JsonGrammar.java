package dev.lorafoundry.grammar;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/**
 * What constrained output must look like: optional literal text, then one compact JSON value matching a schema, then
 * literal text. Every output ends within a bounded number of bytes: strings, arrays, numbers and nesting are capped.
 */
public final class JsonGrammar {

    /** Longest string written when the schema gives no maxLength. */
    static final int DEFAULT_MAX_LENGTH = 48;
    /** Most array items (and free object members) written when the schema gives no maxItems. */
    static final int DEFAULT_MAX_ITEMS = 6;
    /** Deepest nesting of objects and arrays where the schema leaves values free. */
    static final int MAX_FREE_DEPTH = 4;

    private static final byte[] NO_TEXT = new byte[0];

    private final byte[] prefix;
    private final ValueNode value;
    private final byte[] suffix;

    private JsonGrammar(byte[] prefix, ValueNode value, byte[] suffix) {
        this.prefix = prefix;
        this.value = value;
        this.suffix = suffix;
    }

    /** Any JSON object (response_format json_object). */
    public static JsonGrammar anyObject() {
        ValueNode members = ValueNode.anyValue(2, MAX_FREE_DEPTH, DEFAULT_MAX_ITEMS, DEFAULT_MAX_LENGTH);
        return new JsonGrammar(NO_TEXT, new ValueNode.FreeObjectNode(members, DEFAULT_MAX_ITEMS), NO_TEXT);
    }

    /** One JSON value valid against {@code schema} (response_format json_schema, tool calls); invalid schema -> SchemaException. */
    public static JsonGrammar forSchema(JsonNode schema) {
        return new JsonGrammar(NO_TEXT, SchemaCompiler.compile(schema), NO_TEXT);
    }

    /** The same JSON wrapped in literal text the model must write before and after it (e.g. tool-call tags). */
    public JsonGrammar wrapped(String prefix, String suffix) {
        return new JsonGrammar(prefix == null ? NO_TEXT : prefix.getBytes(StandardCharsets.UTF_8), value,
                suffix == null ? NO_TEXT : suffix.getBytes(StandardCharsets.UTF_8));
    }

    /** The recogniser before the first byte of output. */
    RecogniserState initialState() {
        ParseStack stack = LiteralFrame.pushOnto(ParseStack.EMPTY, suffix).push(new ValueFrame(value));
        return RecogniserState.of(LiteralFrame.pushOnto(stack, prefix));
    }
}
