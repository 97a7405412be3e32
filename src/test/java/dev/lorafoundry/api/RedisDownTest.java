package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.redis.RedisGateway;
import dev.lorafoundry.testsupport.ExternalRedisResource;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * With quarkus.redis.hosts pointing at a Redis the test controls: no embedded server is started; while that Redis is
 * down the file and fine-tuning job endpoints answer 503 saying what to do, chat keeps answering, and files work again once it is back.
 */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
@QuarkusTestResource(value = ExternalRedisResource.class, restrictToAnnotatedClass = true)
class RedisDownTest {

    @Inject
    RedisGateway redis;

    @Test
    void filesAnswer503WhileRedisIsDownAndChatDoesNotCare() {
        assertTrue(redis.embeddedPid().isEmpty(), "a configured Redis host means no embedded redis-server");
        given().get("/v1/files").then().statusCode(200);

        ExternalRedisResource.stopServer();
        try {
            given().get("/v1/files").then().statusCode(503)
                    .header("Retry-After", notNullValue())
                    .body("error.type", equalTo("service_unavailable"))
                    .body("error.code", equalTo("redis_unavailable"))
                    .body("error.message", containsString("quarkus.redis.hosts"))
                    .body("error.message", containsString("chat and completions work without it"));
            given().multiPart("file", "t.jsonl", "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8)).multiPart("purpose", "fine-tune")
                    .post("/v1/files").then().statusCode(503).body("error.type", equalTo("service_unavailable"));
            given().get("/v1/files/file-abc").then().statusCode(503);
            given().get("/v1/fine_tuning/jobs").then().statusCode(503).body("error.code", equalTo("redis_unavailable"));
            given().get("/v1/fine_tuning/jobs/ftjob-abc").then().statusCode(503);
            given().get("/v1/fine_tuning/jobs/ftjob-abc/events").then().statusCode(503);
            given().contentType("application/json").body("{\"model\":\"tiny-random\",\"training_file\":\"file-abc\"}")
                    .post("/v1/fine_tuning/jobs").then().statusCode(503).body("error.type", equalTo("service_unavailable"));

            given().contentType("application/json")
                    .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":4}")
                    .post("/v1/chat/completions").then().statusCode(200)
                    .body("choices[0].message.role", equalTo("assistant"));
        } finally {
            ExternalRedisResource.startServer();
        }
        given().get("/v1/files").then().statusCode(200).body("object", equalTo("list"));
    }
}
