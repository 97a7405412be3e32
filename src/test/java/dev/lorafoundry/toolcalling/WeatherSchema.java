package dev.lorafoundry.toolcalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A non-trivial tool schema (nested object, enum, array, required fields) and an independent check of values against it. */
final class WeatherSchema {

    static final Map<String, Object> PARAMETERS = Map.of(
            "type", "object",
            "properties", Map.of(
                    "location", Map.of("type", "object",
                            "properties", Map.of("city", Map.of("type", "string"), "country", Map.of("type", "string")),
                            "required", List.of("city")),
                    "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")),
                    "days", Map.of("type", "array", "items", Map.of("type", "integer"), "maxItems", 3)),
            "required", List.of("location", "unit"));

    static final Map<String, Object> TOOL = Map.of("type", "function", "function", Map.of(
            "name", "get_weather", "description", "Weather forecast for a place", "parameters", PARAMETERS));

    static final Map<String, Object> TIME_TOOL = Map.of("type", "function", "function", Map.of(
            "name", "get_time", "description", "Current time in a time zone",
            "parameters", Map.of("type", "object", "properties", Map.of("zone", Map.of("type", "string")),
                    "required", List.of("zone"))));

    private WeatherSchema() {}

    /** Parses the arguments JSON text and checks it against PARAMETERS, written out by hand. */
    static void assertValidArguments(String argumentsJson) throws Exception {
        JsonNode args = new ObjectMapper().readTree(argumentsJson);
        assertTrue(args.isObject(), argumentsJson);
        assertTrue(Set.of("location", "unit", "days").containsAll(iterable(args.fieldNames())), "no extra keys: " + argumentsJson);
        JsonNode location = args.get("location");
        assertTrue(location != null && location.isObject(), "location is a required object: " + argumentsJson);
        assertTrue(location.path("city").isTextual(), "location.city is a required string: " + argumentsJson);
        assertTrue(!location.has("country") || location.get("country").isTextual(), argumentsJson);
        assertTrue(Set.of("city", "country").containsAll(iterable(location.fieldNames())), argumentsJson);
        assertTrue(Set.of("celsius", "fahrenheit").contains(args.path("unit").asText("")), "unit from the enum: " + argumentsJson);
        if (args.has("days")) {
            assertTrue(args.get("days").isArray() && args.get("days").size() <= 3, argumentsJson);
            args.get("days").forEach(d -> assertTrue(d.isIntegralNumber(), argumentsJson));
        }
        assertEquals(argumentsJson.strip(), argumentsJson, "no padding around the arguments");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
