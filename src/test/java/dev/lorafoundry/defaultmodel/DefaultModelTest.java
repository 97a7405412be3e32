package dev.lorafoundry.defaultmodel;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped default model (models/foundry-tiny, made by bin/make-default-model) through the running service: it
 * answers the trained shipped prompts greedily exactly as the generator wrote the answers, calls get_weather with
 * parseable, schema-valid arguments, answers from tool results it has never seen (their numbers, condition, city and
 * time quoted exactly), and the shipped pirate adapter answers in pirate speak. The expected answers are the
 * generator's (src/test/resources/defaultmodel, copies of data/shipped-prompts*.jsonl), not the model's. The held-out
 * prompts that need more than copying from a tool result (sums it never saw asked, the city of a call) are printed,
 * not required: this 3.4 M-parameter model gets most of them wrong (see the README).
 */
@QuarkusTest
@TestProfile(DefaultModelProfile.class)
class DefaultModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "foundry-tiny";
    private static final String PIRATE = "pirate";

    @Test
    void answersTheTrainedShippedPromptsAsTrained() {
        List<JsonNode> prompts = shipped("shipped-prompts.jsonl");
        assertAnswersAsTrained(BASE, prompts.stream().filter(p -> !p.path("held_out").asBoolean()).toList());
        for (JsonNode heldOut : prompts.stream().filter(p -> p.path("held_out").asBoolean()).toList()) {
            JsonNode message = chat(BASE, request(heldOut)).path("choices").get(0).path("message");
            String problem = compare(last(heldOut.path("messages")), message);
            System.out.printf("held out %-26s %s%n", heldOut.path("id").asText(), problem == null ? "as generated"
                    : problem);
        }
    }

    /** The adapter's greeting and identity answers come back word for word in pirate speak, unlike the base's. */
    @Test
    void thePirateAdapterAnswersInPirateSpeak() {
        List<JsonNode> pirate = shipped("shipped-prompts-pirate.jsonl");
        assertAnswersAsTrained(PIRATE, pirate.stream()
                .filter(p -> List.of("greeting", "who-are-you", "creator", "no-weather-tool").contains(p.path("id").asText()))
                .toList());
        for (JsonNode prompt : pirate.stream().filter(p -> !p.path("held_out").asBoolean()).toList()) {
            String base = chat(BASE, request(prompt)).path("choices").get(0).path("message").path("content").asText();
            String arr = chat(PIRATE, request(prompt)).path("choices").get(0).path("message").path("content").asText();
            assertNotEquals(base, arr, "the adapter changes the answer to " + prompt.path("id").asText());
        }
    }

    /** Asked for the weather with the tool offered, it calls get_weather with arguments that parse and fit the schema. */
    @Test
    void callsTheWeatherToolWithParseableArguments() throws Exception {
        JsonNode weatherCall = byId(shipped("shipped-prompts.jsonl"), "weather-call");
        List<String> cities = City.ALL.stream().map(City::name).toList();
        for (String city : new String[] {"Paris", "Berlin", "Tokyo"}) {
            ObjectNode body = request(weatherCall);
            ((ObjectNode) body.withArray("messages").get(0)).put("content", "What's the weather like in " + city + "?");
            JsonNode choice = chat(BASE, body).path("choices").get(0);
            JsonNode message = choice.path("message");
            assertTrue(message.path("tool_calls").isArray() && message.path("tool_calls").size() == 1,
                    "one tool call for " + city + ": " + message);
            assertEquals("tool_calls", choice.path("finish_reason").asText(), message.toString());
            JsonNode call = message.path("tool_calls").get(0);
            assertEquals("get_weather", call.path("function").path("name").asText(), message.toString());
            JsonNode arguments = JSON.readTree(call.path("function").path("arguments").asText());
            assertTrue(cities.contains(arguments.path("city").asText()), "a city the tool knows: " + message);
            assertEquals("celsius", arguments.path("unit").asText(), message.toString());
            assertEquals(2, arguments.size(), "only city and unit: " + message);
            System.out.printf("asked about %s, called get_weather(%s)%n", city, arguments);
        }
    }

    /** Tool results it never saw in training: the answer quotes each one's temperature, condition and city exactly. */
    @Test
    void answersFromToolResultsItHasNotSeen() {
        JsonNode weatherAnswer = byId(shipped("shipped-prompts.jsonl"), "weather-answer");
        String[][] results = {{"Paris", "17", "sunny"}, {"Oslo", "-4", "windy"}, {"Tokyo", "31", "rainy"}};
        for (String[] r : results) {
            ObjectNode body = request(weatherAnswer);
            ArrayNode messages = body.withArray("messages");
            ((ObjectNode) messages.get(0)).put("content", "What's the weather like in " + r[0] + "?");
            ((ObjectNode) messages.get(1).path("tool_calls").get(0).path("function")).put("arguments",
                    "{\"city\": \"" + r[0] + "\", \"unit\": \"celsius\"}");
            ObjectNode tool = (ObjectNode) messages.get(messages.size() - 1);
            assertEquals("tool", tool.path("role").asText());
            tool.put("content", "{\"city\": \"" + r[0] + "\", \"temperature\": " + r[1]
                    + ", \"unit\": \"celsius\", \"condition\": \"" + r[2] + "\"}");
            String answer = chat(BASE, body).path("choices").get(0).path("message").path("content").asText();
            assertEquals("It is " + r[1] + " degrees celsius and " + r[2] + " in " + r[0] + ".", answer);
        }
        JsonNode timeAnswer = byId(shipped("shipped-prompts.jsonl"), "time-answer");
        ObjectNode body = request(timeAnswer);
        ArrayNode messages = body.withArray("messages");
        ((ObjectNode) messages.get(messages.size() - 1)).put("content",
                "{\"timezone\": \"Asia/Tokyo\", \"time\": \"18:05\"}");
        assertEquals("The current time in Asia/Tokyo is 18:05.",
                chat(BASE, body).path("choices").get(0).path("message").path("content").asText());
    }

    private static void assertAnswersAsTrained(String model, List<JsonNode> prompts) {
        List<String> wrong = new ArrayList<>();
        for (JsonNode prompt : prompts) {
            JsonNode expected = last(prompt.path("messages"));
            long started = System.nanoTime();
            JsonNode message = chat(model, request(prompt)).path("choices").get(0).path("message");
            System.out.printf("%s %-26s %5.0f ms  %s%n", model, prompt.path("id").asText(),
                    (System.nanoTime() - started) / 1e6, shorten(message));
            String problem = compare(expected, message);
            if (problem != null) {
                wrong.add(prompt.path("id").asText() + ": " + problem);
            }
        }
        assertTrue(wrong.isEmpty(), model + " answered " + wrong.size() + " of " + prompts.size()
                + " shipped prompts otherwise than trained:\n" + String.join("\n", wrong));
    }

    /** Null when the answer is the expected one: the same text, or the same calls with the same parsed arguments. */
    private static String compare(JsonNode expected, JsonNode actual) {
        JsonNode calls = expected.path("tool_calls");
        if (!calls.isArray() || calls.isEmpty()) {
            String want = expected.path("content").asText();
            String got = actual.path("content").asText();
            return want.equals(got) && actual.path("tool_calls").isEmpty() ? null
                    : "expected \"" + want + "\" but got " + shorten(actual);
        }
        JsonNode got = actual.path("tool_calls");
        if (!got.isArray() || got.size() != calls.size()) {
            return "expected " + calls.size() + " tool call(s) but got " + shorten(actual);
        }
        try {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode want = calls.get(i).path("function");
                JsonNode have = got.get(i).path("function");
                if (!want.path("name").asText().equals(have.path("name").asText())
                        || !JSON.readTree(want.path("arguments").asText()).equals(
                        JSON.readTree(have.path("arguments").asText()))) {
                    return "expected call " + want + " but got " + have;
                }
            }
        } catch (IOException e) {
            return "tool call arguments do not parse: " + actual;
        }
        return null;
    }

    /** The prompt's conversation without its last (assistant) turn, asked greedily. */
    private static ObjectNode request(JsonNode prompt) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        JsonNode all = prompt.path("messages");
        for (int i = 0; i < all.size() - 1; i++) {
            messages.add(all.get(i).deepCopy());
        }
        if (prompt.has("tools")) {
            body.set("tools", prompt.get("tools"));
        }
        body.put("temperature", 0);
        body.put("max_tokens", 120);
        return body;
    }

    private static JsonNode chat(String model, ObjectNode body) {
        body.put("model", model);
        String response = given().contentType(ContentType.JSON).body(body.toString())
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        try {
            return JSON.readTree(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String shorten(JsonNode message) {
        String text = message.toString();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static JsonNode byId(List<JsonNode> prompts, String id) {
        return prompts.stream().filter(p -> id.equals(p.path("id").asText())).findFirst().orElseThrow();
    }

    private static List<JsonNode> shipped(String file) {
        try (InputStream in = DefaultModelTest.class.getResourceAsStream("/defaultmodel/" + file)) {
            List<JsonNode> records = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    records.add(JSON.readTree(line));
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
