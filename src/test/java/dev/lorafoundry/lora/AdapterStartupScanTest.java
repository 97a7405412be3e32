package dev.lorafoundry.lora;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adapters in the adapters folder are found at start-up by their config; their weights are read on first use. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class AdapterStartupScanTest {

    private static Map<String, Object> chat(String model) {
        return Map.of("model", model, "max_tokens", 3, "messages", List.of(Map.of("role", "user", "content", "hi")));
    }

    @Test
    void adapterFoundAtStartUpIsListedThenLoadedOnFirstUse() {
        given().get("/v1/adapters/startup-good").then().statusCode(200).body("source", equalTo("disk"))
                .body("resident", equalTo(false)).body("rank", equalTo(4));
        given().contentType("application/json").body(chat("startup-good")).post("/v1/chat/completions").then()
                .statusCode(200).body("model", equalTo("startup-good"));
        given().get("/v1/adapters/startup-good").then().body("resident", equalTo(true));
    }

    @Test
    void adapterWhoseWeightsTurnOutBrokenFailsTheRequestWithA400NamingTheFile() {
        given().contentType("application/json").body(chat("startup-broken")).post("/v1/chat/completions").then()
                .statusCode(400).body("error.code", equalTo("invalid_adapter"))
                .body("error.message", containsString("adapter_model.safetensors"));
        // The base model and other adapters are unaffected.
        given().contentType("application/json").body(chat("startup-good")).post("/v1/chat/completions").then()
                .statusCode(200);
    }
}
