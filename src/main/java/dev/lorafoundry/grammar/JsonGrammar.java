package dev.lorafoundry.grammar;

import com.fasterxml.jackson.databind.JsonNode;

/** What constrained output must look like: optional literal text, then one JSON value matching a schema, then literal text. */
public final class JsonGrammar {

    /** Any JSON object (response_format json_object). */
    public static JsonGrammar anyObject() {
        throw new UnsupportedOperationException("contract stub");
    }

    /** One JSON value valid against {@code schema} (response_format json_schema, tool calls); invalid schema -> SchemaException. */
    public static JsonGrammar forSchema(JsonNode schema) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** The same JSON wrapped in literal text the model must write before and after it (e.g. tool-call tags). */
    public JsonGrammar wrapped(String prefix, String suffix) {
        throw new UnsupportedOperationException("contract stub");
    }
}
