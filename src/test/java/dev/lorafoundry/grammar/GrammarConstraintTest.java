package dev.lorafoundry.grammar;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives the constraint with a random "model" over the real Qwen3 vocabulary, 200 seeded runs per schema, and checks
 * every output with Jackson (strict) and an independent validator written for the tests.
 */
class GrammarConstraintTest {

    /** Seeded runs per schema; -Dgrammar.runs=200 for a thorough run (the default keeps the suite fast). */
    private static final int RUNS = Integer.getInteger("grammar.runs", 12);
    private static final int QWEN3_MODEL_VOCAB = 151936; // the model's embedding rows, past the tokenizer's 151669 ids
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static Tokenizer tokenizer;
    private static RandomModel model;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(java.nio.file.Path.of("../shared/tokenizers/qwen3"));
        model = new RandomModel(tokenizer, QWEN3_MODEL_VOCAB);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static final String WEATHER_ARGS = """
            {"type":"object","properties":{
              "location":{"type":"object","properties":{
                 "city":{"type":"string","maxLength":20},
                 "country":{"type":"string","minLength":2,"maxLength":2}},"required":["city"]},
              "unit":{"enum":["celsius","fahrenheit"]},
              "days":{"type":"integer"}},
             "required":["location","unit"]}""";

    @Test
    void nestedObjectWithEnumAndOptionalProperties() throws Exception {
        List<JsonNode> values = runAll(WEATHER_ARGS);
        assertTrue(values.stream().anyMatch(v -> v.path("location").has("country")), "optional property never written");
        assertTrue(values.stream().anyMatch(v -> !v.path("location").has("country")), "optional property never left out");
        assertTrue(values.stream().anyMatch(v -> v.has("days")), "optional integer never written");
    }

    @Test
    void arrayOfObjectsWithItemBounds() throws Exception {
        List<JsonNode> values = runAll("""
                {"type":"array","minItems":1,"maxItems":4,"items":{"type":"object","properties":{
                   "id":{"type":"integer"},
                   "tags":{"type":"array","items":{"type":"string","maxLength":8},"maxItems":3}},
                 "required":["id"]}}""");
        Set<Integer> sizes = new HashSet<>();
        values.forEach(v -> sizes.add(v.size()));
        assertTrue(sizes.contains(1) && sizes.size() > 1, "array sizes seen: " + sizes);
    }

    @Test
    void anyOfToolCallsAreToldApartByTheirName() throws Exception {
        List<JsonNode> values = runAll(toolCallSchema());
        Set<String> names = new HashSet<>();
        values.forEach(v -> names.add(v.get("name").asText()));
        assertEquals(Set.of("get_weather", "get_time"), names);
    }

    @Test
    void scalarsConstAndTypeLists() throws Exception {
        runAll("""
                {"type":"object","properties":{
                   "n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},"z":{"type":"null"},
                   "c":{"const":{"k":[1,2.5,"x"],"ok":true}},
                   "s":{"type":["string","null"],"minLength":3},
                   "e":{"type":"string","enum":["a\\"b","ünï","x/y"]}},
                 "required":["n","i","b","z","c","s","e"]}""");
    }

    @Test
    void refsIntoDefsAndOneOfOfDisjointTypes() throws Exception {
        runAll("""
                {"$defs":{"Point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]}},
                 "definitions":{"Label":{"oneOf":[{"type":"string","maxLength":5},{"type":"integer"}]}},
                 "type":"object","properties":{
                   "from":{"$ref":"#/$defs/Point"},"to":{"$ref":"#/$defs/Point"},
                   "label":{"$ref":"#/definitions/Label"},
                   "note":{"description":"any value at all","title":"Note"}},
                 "required":["from","to"]}""");
    }

    @Test
    void freeObjectsWithTypedValuesAndEmptyObjects() throws Exception {
        runAll("""
                {"type":"object","properties":{
                   "counts":{"type":"object","additionalProperties":{"type":"integer"}},
                   "nothing":{"type":"object","additionalProperties":false},
                   "list":{"type":"array","items":{"type":"boolean"},"minItems":2,"maxItems":2}},
                 "required":["counts","nothing","list"]}""");
    }

    @Test
    void topLevelNumbersEndByEosOrAtTheDigitLimit() throws Exception {
        JsonNode schema = STRICT.readTree("{\"type\":\"integer\"}");
        int byEos = 0;
        for (int seed = 0; seed < RUNS; seed++) {
            RandomModel.Run run = model.generate(JsonGrammar.forSchema(schema), seed, 100);
            JsonNode value = parse(run.text());
            assertTrue(value.isIntegralNumber(), run.text());
            assertTrue(run.text().replace("-", "").length() <= NumberFrame.MAX_DIGITS, run.text());
            byEos += run.endedWithEos() ? 1 : 0;
        }
        assertTrue(byEos > 0, "EOS was never allowed after a complete number");
    }

    @Test
    void anyObjectIsAlwaysAnObjectWithinTheBounds() throws Exception {
        for (int seed = 0; seed < RUNS; seed++) {
            RandomModel.Run run = model.generate(JsonGrammar.anyObject(), seed, 3000);
            JsonNode value = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(run.text());
            assertTrue(value.isObject(), run.text());
            assertTrue(depth(value) <= JsonGrammar.MAX_FREE_DEPTH, run.text());
            assertFalse(run.endedWithEos(), "a closed object cannot continue, so it completes without EOS");
        }
    }

    @Test
    void wrappedFormIsExactlyPrefixJsonSuffix() throws Exception {
        JsonNode schema = STRICT.readTree(toolCallSchema());
        String prefix = "<tool_call>\n";
        String suffix = "\n</tool_call>";
        JsonGrammar grammar = JsonGrammar.forSchema(schema).wrapped(prefix, suffix);
        for (int seed = 0; seed < RUNS; seed++) {
            RandomModel.Run run = model.generate(grammar, seed, 2000);
            String text = run.text();
            assertTrue(text.startsWith(prefix) && text.endsWith(suffix), text);
            assertFalse(run.endedWithEos(), "the suffix ends the output");
            JsonNode value = parse(text.substring(prefix.length(), text.length() - suffix.length()));
            assertEquals(List.of(), SchemaValidator.violations(schema, value), text);
        }
    }

    @Test
    void invalidOrUnenforceableSchemasNameThePath() {
        assertSchemaError("{\"type\":\"strng\"}", "/type");
        assertSchemaError("{\"type\":[\"string\",7]}", "/type/1");
        assertSchemaError("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\",\"b\"]}", "/required/1");
        assertSchemaError("{\"properties\":{\"u\":{\"enum\":\"celsius\"}}}", "/properties/u/enum");
        assertSchemaError("{\"properties\":{\"u\":{\"enum\":[]}}}", "/properties/u/enum");
        assertSchemaError("{\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]+$\"}}}", "/properties/code/pattern");
        assertSchemaError("{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":3}}", "/items/minimum");
        assertSchemaError("{\"type\":\"string\",\"minLength\":5,\"maxLength\":2}", "/maxLength");
        assertSchemaError("{\"type\":\"array\",\"maxItems\":-1}", "/maxItems");
        assertSchemaError("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"nope\"}]}", "/anyOf/1/type");
        assertSchemaError("{\"anyOf\":[]}", "/anyOf");
        assertSchemaError("{\"$ref\":\"#/$defs/Missing\"}", "/$ref");
        assertSchemaError("{\"$ref\":\"https://example.com/s.json\"}", "/$ref");
        assertSchemaError("{\"$defs\":{\"Node\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#/$defs/Node\"}}}},"
                + "\"$ref\":\"#/$defs/Node\"}", "/$defs/Node/properties/next/$ref");
        assertSchemaError("{\"type\":\"string\",\"enum\":[\"a\",1]}", "/enum/1");
        assertSchemaError("{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}", "/items");
        assertSchemaError("{\"properties\":\"name\"}", "/properties");
        assertSchemaError("false", "");
        assertSchemaError("42", "");
    }

    private static void assertSchemaError(String schema, String expectedPath) {
        try {
            JsonGrammar.forSchema(STRICT.readTree(schema));
            fail("schema " + schema + " was accepted");
        } catch (SchemaException e) {
            assertEquals(expectedPath, e.path(), "path for " + schema + " (message: " + e.getMessage() + ")");
            assertTrue(e.getMessage().length() > 20, e.getMessage());
        } catch (Exception e) {
            fail(schema + " failed with " + e, e);
        }
    }

    private static String toolCallSchema() {
        return """
                {"anyOf":[
                  {"type":"object","properties":{"name":{"const":"get_weather"},"arguments":%s},"required":["name","arguments"]},
                  {"type":"object","properties":{"name":{"const":"get_time"},
                     "arguments":{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}},
                   "required":["name","arguments"]}]}""".formatted(WEATHER_ARGS);
    }

    private static List<JsonNode> runAll(String schemaText) throws Exception {
        JsonNode schema = STRICT.readTree(schemaText);
        JsonGrammar grammar = JsonGrammar.forSchema(schema);
        List<JsonNode> values = new java.util.ArrayList<>();
        for (int seed = 0; seed < RUNS; seed++) {
            RandomModel.Run run = model.generate(grammar, seed, 2000);
            JsonNode value = parse(run.text());
            assertEquals(List.of(), SchemaValidator.violations(schema, value), "seed " + seed + ": " + run.text());
            values.add(value);
        }
        return values;
    }

    private static JsonNode parse(String text) {
        try {
            return STRICT.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("output is not JSON: " + text + " (" + e.getMessage() + ")", e);
        }
    }

    private static int depth(JsonNode value) {
        int inner = 0;
        for (JsonNode child : value) {
            inner = Math.max(inner, depth(child));
        }
        return value.isContainerNode() ? inner + 1 : 0;
    }
}
