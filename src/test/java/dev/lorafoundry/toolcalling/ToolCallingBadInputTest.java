package dev.lorafoundry.toolcalling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every malformed tools / tool_choice / response_format request is a 400 naming the field, never a 500. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class ToolCallingBadInputTest {

    private static void rejects(Map<String, Object> extra, String param, String messagePart) {
        Map<String, Object> body = new HashMap<>(Map.of("model", ServedModelInfo.fetch().id(),
                "messages", List.of(Map.of("role", "user", "content", "hi"))));
        body.putAll(extra);
        given().contentType("application/json").body(body).post("/v1/chat/completions").then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.message", containsString(messagePart));
    }

    @Test
    void unknownFunctionInToolChoice() {
        rejects(Map.of("tools", List.of(WeatherSchema.TOOL),
                "tool_choice", Map.of("type", "function", "function", Map.of("name", "get_stock_price"))),
                "tool_choice", "get_stock_price");
    }

    @Test
    void requiredWithoutTools() {
        rejects(Map.of("tool_choice", "required"), "tool_choice", "at least one tool");
    }

    @Test
    void unknownToolChoiceWord() {
        rejects(Map.of("tools", List.of(WeatherSchema.TOOL), "tool_choice", "always"), "tool_choice", "always");
    }

    @Test
    void toolWithoutFunctionType() {
        rejects(Map.of("tools", List.of(Map.of("type", "retrieval"))), "tools[0].type", "function");
    }

    @Test
    void badFunctionName() {
        rejects(Map.of("tools", List.of(Map.of("type", "function", "function", Map.of("name", "get weather!")))),
                "tools[0].function.name", "get weather!");
    }

    @Test
    void invalidSchemaInAForcedTool() {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "f",
                "parameters", Map.of("type", "object", "properties", Map.of("x", Map.of("type", "strnig")))));
        rejects(Map.of("tools", List.of(tool), "tool_choice", "required"), "tools", "/properties/x");
    }

    @Test
    void invalidResponseFormatSchema() {
        rejects(Map.of("response_format", Map.of("type", "json_schema", "json_schema",
                Map.of("name", "x", "schema", Map.of("type", "object", "required", List.of("missing"),
                        "properties", Map.of("present", Map.of("type", "string")))))),
                "response_format.json_schema.schema", "missing");
    }

    @Test
    void responseFormatWithoutSchema() {
        rejects(Map.of("response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "x"))),
                "response_format.json_schema.schema", "json_schema.schema");
    }

    @Test
    void unknownResponseFormatType() {
        rejects(Map.of("response_format", Map.of("type", "yaml")), "response_format.type", "yaml");
    }
}
