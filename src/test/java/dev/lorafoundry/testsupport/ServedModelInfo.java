package dev.lorafoundry.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.util.List;

/** What the running test service reports about its model, so HTTP tests don't hard-code ids or sizes. */
public record ServedModelInfo(String id, int maxModelLen) {

    public static ServedModelInfo fetch() {
        JsonPath models = given().get("/v1/models").then().statusCode(200).extract().jsonPath();
        return new ServedModelInfo(models.getString("data[0].id"), models.getInt("data[0].max_model_len"));
    }

    /** Token ids of some text, as the service's own tokenizer produces them (no special tokens). */
    public static List<Integer> tokenIds(String text) {
        return given().contentType("application/json")
                .body(java.util.Map.of("prompt", text, "add_special_tokens", false))
                .post("/tokenize").then().statusCode(200).extract().jsonPath().getList("tokens", Integer.class);
    }
}
