package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input gets the OpenAI error envelope with the right status, type and param. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class BadInputTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                // path, body, param, a phrase the message must contain
                Arguments.of(CHAT, "{" + HELLO + ",\"temperature\":2.5}", "temperature", "between 0.0 and 2.0"),
                Arguments.of(CHAT, "{" + HELLO + ",\"temperature\":-0.1}", "temperature", "between"),
                Arguments.of(CHAT, "{" + HELLO + ",\"top_p\":0}", "top_p", "(0, 1]"),
                Arguments.of(CHAT, "{" + HELLO + ",\"top_p\":1.5}", "top_p", "(0, 1]"),
                Arguments.of(CHAT, "{" + HELLO + ",\"top_k\":-2}", "top_k", "-1"),
                Arguments.of(CHAT, "{" + HELLO + ",\"min_p\":1.5}", "min_p", "between"),
                Arguments.of(CHAT, "{" + HELLO + ",\"n\":0}", "n", "between 1 and 16"),
                Arguments.of(CHAT, "{" + HELLO + ",\"n\":17}", "n", "between 1 and 16"),
                Arguments.of(CHAT, "{" + HELLO + ",\"max_tokens\":0}", "max_tokens", "at least 1"),
                Arguments.of(CHAT, "{" + HELLO + ",\"max_completion_tokens\":0}", "max_completion_tokens", "at least 1"),
                Arguments.of(CHAT, "{" + HELLO + ",\"presence_penalty\":3}", "presence_penalty", "between"),
                Arguments.of(CHAT, "{" + HELLO + ",\"frequency_penalty\":-3}", "frequency_penalty", "between"),
                Arguments.of(CHAT, "{" + HELLO + ",\"repetition_penalty\":0}", "repetition_penalty", "greater than 0"),
                Arguments.of(CHAT, "{" + HELLO + ",\"logit_bias\":{\"abc\":1}}", "logit_bias", "token ids"),
                Arguments.of(CHAT, "{" + HELLO + ",\"logit_bias\":{\"99999999\":1}}", "logit_bias", "outside the vocabulary"),
                Arguments.of(CHAT, "{" + HELLO + ",\"logit_bias\":{\"1\":101}}", "logit_bias", "between -100 and 100"),
                Arguments.of(CHAT, "{" + HELLO + ",\"top_logprobs\":3}", "top_logprobs", "logprobs"),
                Arguments.of(CHAT, "{" + HELLO + ",\"logprobs\":true,\"top_logprobs\":21}", "top_logprobs", "between 0 and 20"),
                Arguments.of(CHAT, "{" + HELLO + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop", "at most 4"),
                Arguments.of(CHAT, "{" + HELLO + ",\"stop\":[1]}", "stop", "list of strings"),
                Arguments.of(CHAT, "{" + HELLO + ",\"stop_token_ids\":[-1]}", "stop_token_ids", "token ids"),
                Arguments.of(CHAT, "{\"messages\":[]}", "messages", "non-empty"),
                Arguments.of(CHAT, "{}", "messages", "non-empty"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role", "must be one of"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
                        "messages[1].content[0]", "image_url"),
                Arguments.of(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":null}]}", "messages[0].content", "required"),
                Arguments.of(CHAT, "{\"messages\":\"hello\"}", "messages", "Invalid value"),
                Arguments.of(CHAT, "{" + HELLO + ",\"temperature\":\"hot\"}", "temperature", "Invalid value"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"\"}", "prompt", "must not be empty"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[]}", "prompt", "empty list"),
                Arguments.of(COMPLETIONS, "{}", "prompt", "required"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[99999999]}", "prompt", "outside the vocabulary"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[[1],[-5]]}", "prompt[1]", "outside the vocabulary"),
                Arguments.of(COMPLETIONS, "{\"prompt\":[\"ok\", 3.5]}", "prompt[1]", "string or a list of token ids"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"hi\",\"logprobs\":6}", "logprobs", "between 0 and 5"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"hi\",\"suffix\":\"end\"}", "suffix", "not supported"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"hi\",\"max_tokens\":0}", "max_tokens", "at least 1"),
                Arguments.of(COMPLETIONS, "{\"prompt\":\"hi\",\"max_tokens\":100000000}", "max_tokens", "more than this model's context"),
                Arguments.of("/detokenize", "{\"tokens\":[99999999]}", "tokens", "outside the vocabulary"),
                Arguments.of("/tokenize", "{}", "prompt", "exactly one"));
    }

    @ParameterizedTest(name = "{0} {2}: {1}")
    @MethodSource("badRequests")
    void badFieldIsA400NamingTheField(String path, String body, String param, String phrase) {
        post(path, body).statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.message", containsString(phrase));
    }

    @Test
    void malformedJsonIsA400() {
        post(CHAT, "this is not json").statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("not valid JSON"))
                .body("error.code", nullValue());
    }

    @Test
    void unknownModelIsA404NamingModel() {
        post(CHAT, "{\"model\":\"no-such-model\"," + HELLO + "}").statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.param", equalTo("model"))
                .body("error.message", containsString("no-such-model"));
        given().get("/v1/models/no-such-model").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void promptLongerThanTheContextIsA400WithBothLengths() {
        ServedModelInfo model = ServedModelInfo.fetch();
        int id = ServedModelInfo.tokenIds("a").get(0);
        var prompt = Collections.nCopies(model.maxModelLen() + 1, id);
        post(COMPLETIONS, "{\"prompt\":" + prompt + "}").statusCode(400)
                .body("error.param", equalTo("prompt"))
                .body("error.message", containsString((model.maxModelLen() + 1) + " tokens"))
                .body("error.message", containsString(model.maxModelLen() + " tokens"));
        String longText = "a ".repeat(model.maxModelLen() + 1);
        post(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}").statusCode(400)
                .body("error.param", equalTo("messages"))
                .body("error.message", containsString("max_model_len"));
    }

    @Test
    void chatTemplateRejectionIsA400() {
        // Two assistant turns in a row with no user turn: real templates raise_exception; ours may render it,
        // so this only checks the shape when the template refuses.
        var response = post(CHAT, "{\"messages\":[{\"role\":\"tool\",\"content\":\"fail\"}]}").extract();
        if (response.statusCode() == 400) {
            org.junit.jupiter.api.Assertions.assertEquals("invalid_request_error", response.jsonPath().getString("error.type"));
        }
    }

    @Test
    void unknownPathAndWrongMethodAreJson() {
        given().get("/v1/nothing-here").then().statusCode(404)
                .contentType(containsString("application/json")).body("error.type", equalTo("not_found_error"));
        given().get("/totally/elsewhere").then().statusCode(404)
                .contentType(containsString("application/json")).body("error.type", equalTo("not_found_error"));
        given().get(CHAT).then().statusCode(405)
                .contentType(containsString("application/json")).body("error.message", containsString("HTTP method"));
    }

    private static ValidatableResponse post(String path, String body) {
        return given().contentType("application/json").body(body).post(path).then();
    }
}
