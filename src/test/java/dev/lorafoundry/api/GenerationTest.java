package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.SseEvents;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Completions, chat (plain and streamed), models, tokenize and metrics through the running service. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class GenerationTest {

    @Test
    void modelsListTheServedModel() {
        ServedModelInfo model = ServedModelInfo.fetch();
        // The base comes first; adapters (the test profile's adapters folder has some) follow with it as parent.
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.size()", greaterThanOrEqualTo(1))
                .body("data.findAll { it.parent != null }.parent.unique()", anyOf(hasSize(0), equalTo(List.of(model.id()))))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", equalTo("lorafoundry"))
                .body("data[0].parent", nullValue());
        given().get("/v1/models/" + model.id()).then().statusCode(200).body("id", equalTo(model.id()));
    }

    @Test
    void completionsAcceptEveryPromptForm() {
        List<Integer> ids = ServedModelInfo.tokenIds("hello world");
        for (Object prompt : List.of("hello world", List.of("hello", "world"), ids, List.of(ids, ids))) {
            JsonPath body = complete(Map.of("prompt", prompt, "max_tokens", 3, "temperature", 0));
            int expectedChoices = prompt instanceof List<?> l && !(l.get(0) instanceof Integer) ? l.size() : 1;
            assertEquals(expectedChoices, body.getList("choices").size(), "choices for " + prompt);
            assertEquals("text_completion", body.getString("object"));
            assertTrue(body.getString("id").startsWith("cmpl-"));
            for (int i = 0; i < expectedChoices; i++) {
                assertEquals(i, body.getInt("choices[" + i + "].index"));
                assertNotNull(body.getString("choices[" + i + "].finish_reason"));
            }
            assertEquals(body.getInt("usage.prompt_tokens") + body.getInt("usage.completion_tokens"), body.getInt("usage.total_tokens"));
        }
    }

    @Test
    void echoWithLogprobsPutsThePromptFirstWithANullFirstEntry() {
        List<Integer> ids = ServedModelInfo.tokenIds("hello world");
        JsonPath body = complete(Map.of("prompt", ids, "max_tokens", 2, "echo", true, "logprobs", 2, "temperature", 0));
        List<Object> tokenLogprobs = body.getList("choices[0].logprobs.token_logprobs");
        List<Object> tops = body.getList("choices[0].logprobs.top_logprobs");
        assertEquals(ids.size() + body.getInt("usage.completion_tokens"), tokenLogprobs.size());
        assertNull(tokenLogprobs.get(0));
        assertNull(tops.get(0));
        assertNotNull(tokenLogprobs.get(1));
        assertEquals(tokenLogprobs.size(), body.getList("choices[0].logprobs.tokens").size());
        assertEquals(tokenLogprobs.size(), body.getList("choices[0].logprobs.text_offset").size());
        String promptText = given().contentType("application/json").body(Map.of("tokens", ids)).post("/detokenize")
                .then().extract().jsonPath().getString("prompt");
        assertTrue(body.getString("choices[0].text").startsWith(promptText));
    }

    @Test
    void chatStreamConcatenatesToTheNonStreamedAnswerAndEndsWithUsage() {
        Map<String, Object> request = Map.of("messages", List.of(Map.of("role", "user", "content", "Tell me a story")),
                "max_tokens", 8, "temperature", 0.8, "seed", 1234);
        JsonPath plain = given().contentType("application/json").body(request).post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("chat.completion", plain.getString("object"));
        assertEquals("assistant", plain.getString("choices[0].message.role"));
        assertNotNull(plain.getString("usage.total_tokens"));

        Map<String, Object> streamed = new java.util.HashMap<>(request);
        streamed.put("stream", true);
        streamed.put("stream_options", Map.of("include_usage", true));
        String sse = given().contentType("application/json").body(streamed).post("/v1/chat/completions")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.containsString("text/event-stream")).extract().asString();
        List<String> events = SseEvents.data(sse);
        assertEquals("[DONE]", events.getLast());
        List<JsonPath> chunks = events.subList(0, events.size() - 1).stream().map(JsonPath::from).toList();
        assertEquals("assistant", chunks.getFirst().getString("choices[0].delta.role"));
        assertEquals("", chunks.getFirst().getString("choices[0].delta.content"));
        StringBuilder text = new StringBuilder();
        String finishReason = null;
        for (JsonPath chunk : chunks.subList(1, chunks.size() - 1)) {
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            String delta = chunk.getString("choices[0].delta.content");
            text.append(delta == null ? "" : delta);
            finishReason = chunk.getString("choices[0].finish_reason") != null ? chunk.getString("choices[0].finish_reason") : finishReason;
        }
        assertEquals(plain.getString("choices[0].message.content"), text.toString());
        assertEquals(plain.getString("choices[0].finish_reason"), finishReason);
        JsonPath usage = chunks.getLast();
        assertEquals(0, usage.getList("choices").size());
        assertEquals(plain.getInt("usage.total_tokens"), usage.getInt("usage.total_tokens"));
    }

    @Test
    void nTwoGivesTwoIndexedChoicesStreamedOrNot() {
        Map<String, Object> request = new java.util.HashMap<>(Map.of("messages", List.of(Map.of("role", "user", "content", "hi")),
                "max_tokens", 4, "n", 2, "seed", 7, "logprobs", true, "top_logprobs", 2));
        JsonPath plain = given().contentType("application/json").body(request).post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(0, 1), plain.getList("choices.index", Integer.class));
        assertEquals(plain.getInt("usage.completion_tokens"), plain.getList("choices[0].logprobs.content").size()
                + plain.getList("choices[1].logprobs.content").size());
        request.put("stream", true);
        String sse = given().contentType("application/json").body(request).post("/v1/chat/completions").then().statusCode(200).extract().asString();
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
        for (String event : SseEvents.data(sse)) {
            if (!event.equals("[DONE]")) {
                JsonPath chunk = JsonPath.from(event);
                String delta = chunk.getString("choices[0].delta.content");
                texts[chunk.getInt("choices[0].index")].append(delta == null ? "" : delta);
            }
        }
        assertEquals(plain.getString("choices[0].message.content"), texts[0].toString());
        assertEquals(plain.getString("choices[1].message.content"), texts[1].toString());
    }

    @Test
    void tokenizeMessagesReturnsTheRenderedPromptAndDetokenizeRoundTrips() {
        JsonPath tokenized = given().contentType("application/json")
                .body(Map.of("messages", List.of(Map.of("role", "user", "content", "hello there")), "return_token_strs", true))
                .post("/tokenize").then().statusCode(200).extract().jsonPath();
        String rendered = tokenized.getString("prompt");
        assertTrue(rendered.contains("hello there"), rendered);
        assertEquals(tokenized.getInt("count"), tokenized.getList("tokens").size());
        assertEquals(tokenized.getInt("count"), tokenized.getList("token_strs").size());
        List<Integer> ids = ServedModelInfo.tokenIds("round trip ünïcödé");
        given().contentType("application/json").body(Map.of("tokens", ids)).post("/detokenize")
                .then().statusCode(200).body("prompt", equalTo("round trip ünïcödé"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        complete(Map.of("prompt", "metrics", "max_tokens", 2));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("lorafoundry_prompt_tokens_total", "lorafoundry_generation_tokens_total",
                "lorafoundry_time_to_first_token_seconds", "lorafoundry_requests_total")) {
            assertTrue(metrics.contains(name), name + " missing from /q/metrics");
        }
    }

    private static JsonPath complete(Map<String, Object> request) {
        return given().contentType("application/json").body(request).post("/v1/completions")
                .then().statusCode(200).extract().jsonPath();
    }
}
