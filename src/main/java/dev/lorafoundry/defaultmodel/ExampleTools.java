package dev.lorafoundry.defaultmodel;

import java.util.List;

/**
 * The example functions the default model learns to call, in OpenAI tool shape. Each comes written two ways — with
 * descriptions, and bare as in the README's curl example — so the model answers the same to either.
 */
public final class ExampleTools {

    public static final String GET_WEATHER = "get_weather";
    public static final String GET_TIME = "get_time";

    /** get_weather(city, unit) with descriptions. */
    public static final String WEATHER_DESCRIBED = """
            {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city", \
            "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The city, e.g. Paris"}, \
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city", "unit"]}}}""";

    /** get_weather(city, unit) as the README's example writes it. */
    public static final String WEATHER_BARE = """
            {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": \
            {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, \
            "required": ["city", "unit"]}}}""";

    /** get_time(timezone) with descriptions. */
    public static final String TIME_DESCRIBED = """
            {"type": "function", "function": {"name": "get_time", "description": "Get the current local time in a time zone", \
            "parameters": {"type": "object", "properties": {"timezone": {"type": "string", \
            "description": "An IANA time zone, e.g. Europe/Paris"}}, "required": ["timezone"]}}}""";

    /** get_time(timezone) bare. */
    public static final String TIME_BARE = """
            {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": \
            {"timezone": {"type": "string"}}, "required": ["timezone"]}}}""";

    private ExampleTools() {}

    /** A JSON array of the given tool objects. */
    public static String list(List<String> tools) {
        return "[" + String.join(", ", tools) + "]";
    }

    /** The arguments of a get_weather call, spaced as the chat template's tojson writes them. */
    public static String weatherArguments(String city, String unit) {
        return "{\"city\": " + JsonText.quote(city) + ", \"unit\": " + JsonText.quote(unit) + "}";
    }

    /** The arguments of a get_time call. */
    public static String timeArguments(String timezone) {
        return "{\"timezone\": " + JsonText.quote(timezone) + "}";
    }
}
