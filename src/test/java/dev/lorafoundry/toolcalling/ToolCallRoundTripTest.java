package dev.lorafoundry.toolcalling;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.testsupport.Qwen3ToolModelProfile;
import dev.lorafoundry.testsupport.SseEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The full tool round trip on a random-weight Qwen3-shaped model with the real Qwen3 tokenizer and template: the
 * model's call is forced by constrained decoding (a random model writes garbage otherwise), parsed into tool_calls,
 * streamed the OpenAI way, then the tool's result goes back and the model answers.
 */
@QuarkusTest
@TestProfile(Qwen3ToolModelProfile.class)
class ToolCallRoundTripTest {

    static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> request(boolean stream, Object toolChoice, long seed) {
        Map<String, Object> body = new HashMap<>();
        body.put("model", "qwen3-random");
        body.put("messages", List.of(Map.of("role", "user", "content", "What's the weather in Paris, in celsius?")));
        body.put("tools", List.of(WeatherSchema.TOOL, WeatherSchema.TIME_TOOL));
        body.put("tool_choice", toolChoice);
        body.put("temperature", 0.9);
        body.put("seed", seed);
        body.put("stream", stream);
        return body;
    }

    @Test
    void requiredToolCallRoundTripWithoutStreaming() throws Exception {
        JsonPath reply = given().contentType("application/json").body(request(false, "required", 5))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
        assertEquals("tool_calls", reply.getString("choices[0].finish_reason"));
        Map<String, Object> call = reply.getMap("choices[0].message.tool_calls[0]");
        assertTrue(((String) call.get("id")).matches("call_[A-Za-z0-9]{24}"), call.toString());
        assertEquals("function", call.get("type"));
        String name = reply.getString("choices[0].message.tool_calls[0].function.name");
        String arguments = reply.getString("choices[0].message.tool_calls[0].function.arguments");
        assertTrue(List.of("get_weather", "get_time").contains(name), name);
        if (name.equals("get_weather")) {
            WeatherSchema.assertValidArguments(arguments);
        } else {
            assertTrue(JSON.readTree(arguments).path("zone").isTextual(), arguments);
        }
        String content = reply.getString("choices[0].message.content");
        assertTrue(content == null || !content.contains("<tool_call>"), "no tag text in content: " + content);

        // Second turn: the assistant's call and the tool's result go back; the model answers in plain text.
        List<Object> messages = new ArrayList<>(List.of(Map.of("role", "user", "content", "What's the weather in Paris, in celsius?")));
        Map<String, Object> assistant = new HashMap<>();
        assistant.put("role", "assistant");
        assistant.put("content", null);
        assistant.put("tool_calls", List.of(call));
        messages.add(assistant);
        messages.add(Map.of("role", "tool", "tool_call_id", call.get("id"), "content", "{\"temperature\": 18, \"sky\": \"cloudy\"}"));
        Map<String, Object> second = new HashMap<>(Map.of("model", "qwen3-random", "messages", messages,
                "tools", List.of(WeatherSchema.TOOL, WeatherSchema.TIME_TOOL), "tool_choice", "none", "max_tokens", 12, "seed", 1));
        JsonPath answer = given().contentType("application/json").body(second).post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath();
        assertNotNull(answer.getString("choices[0].message.content"));
        assertNull(answer.get("choices[0].message.tool_calls"));
        assertTrue(answer.getInt("usage.prompt_tokens") > reply.getInt("usage.prompt_tokens"), "the history reached the prompt");

        // The rendered prompt carries the tool result the way the Qwen3 template writes it.
        String rendered = given().contentType("application/json").body(Map.of("messages", messages,
                "tools", List.of(WeatherSchema.TOOL))).post("/tokenize").then().statusCode(200).extract().path("prompt");
        assertTrue(rendered.contains("<tool_response>\n{\"temperature\": 18, \"sky\": \"cloudy\"}\n</tool_response>"), rendered);
        assertTrue(rendered.contains("<tool_call>\n{\"name\": \"" + name + "\""), rendered);
    }

    @Test
    void streamedCallAccumulatesToTheSameCallAsTheNonStreamAnswer() throws Exception {
        JsonPath plain = given().contentType("application/json").body(request(false, "required", 11))
                .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
        String sse = given().contentType("application/json").body(request(true, "required", 11))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        Map<Integer, String> names = new HashMap<>();
        Map<Integer, StringBuilder> arguments = new HashMap<>();
        StringBuilder content = new StringBuilder();
        String finish = null;
        for (String event : SseEvents.data(sse)) {
            if (event.equals("[DONE]")) {
                continue;
            }
            JsonNode choice = JSON.readTree(event).path("choices").path(0);
            JsonNode delta = choice.path("delta");
            content.append(delta.path("content").asText(""));
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.get("index").asInt();
                if (call.hasNonNull("id")) {
                    assertFalse(names.containsKey(index), "id and name come once per call");
                    assertEquals("function", call.path("type").asText());
                    names.put(index, call.path("function").path("name").asText());
                    arguments.put(index, new StringBuilder());
                }
                arguments.get(index).append(call.path("function").path("arguments").asText(""));
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals("tool_calls", finish);
        assertFalse(content.toString().contains("<tool_call"), "no tag text leaks into content: " + content);
        assertEquals(plain.getString("choices[0].message.tool_calls[0].function.name"), names.get(0));
        assertEquals(JSON.readTree(plain.getString("choices[0].message.tool_calls[0].function.arguments")),
                JSON.readTree(arguments.get(0).toString()));
    }

    @Test
    void namedFunctionIsTheOneCalled() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            JsonPath reply = given().contentType("application/json")
                    .body(request(false, Map.of("type", "function", "function", Map.of("name", "get_weather")), seed))
                    .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath();
            assertEquals("get_weather", reply.getString("choices[0].message.tool_calls[0].function.name"));
            WeatherSchema.assertValidArguments(reply.getString("choices[0].message.tool_calls[0].function.arguments"));
        }
    }

    @Test
    void responseFormatJsonSchemaAndJsonObjectAlwaysParse() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            Map<String, Object> body = new HashMap<>(Map.of("model", "qwen3-random", "seed", seed, "temperature", 1.0,
                    "messages", List.of(Map.of("role", "user", "content", "Weather as JSON please")),
                    "response_format", Map.of("type", "json_schema", "json_schema",
                            Map.of("name", "weather", "schema", WeatherSchema.PARAMETERS, "strict", true))));
            String content = given().contentType("application/json").body(body).post("/v1/chat/completions")
                    .then().statusCode(200).extract().path("choices[0].message.content");
            WeatherSchema.assertValidArguments(content);

            body.put("response_format", Map.of("type", "json_object"));
            String object = given().contentType("application/json").body(body).post("/v1/chat/completions")
                    .then().statusCode(200).extract().path("choices[0].message.content");
            assertTrue(JSON.readTree(object).isObject(), object);
        }
    }
}
