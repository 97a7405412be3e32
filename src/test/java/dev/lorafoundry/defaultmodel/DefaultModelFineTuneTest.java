package dev.lorafoundry.defaultmodel;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.testsupport.SseEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's demo on the shipped default model, through the running service: upload the shipped identity data set
 * (datasets/identity-nova.jsonl: the default model's identity questions answered as Nova by Acme Labs), create a fine-tuning job with the README's request, follow its
 * events to the end, then the {@code ft:} model gives its new name where the base model gives its own.
 */
@QuarkusTest
@TestProfile(DefaultModelProfile.class)
class DefaultModelFineTuneTest {

    /** The README demo's job request, word for word but for the file id. */
    static final String JOB = """
            {"model": "foundry-tiny", "training_file": "%s", "suffix": "nova",
             "hyperparameters": {"n_epochs": 30, "learning_rate_multiplier": 20}}""";

    @Test
    void theIdentityFineTuneAnswersWithTheNewName() {
        String file = given().multiPart("file", Path.of("datasets/identity-nova.jsonl").toFile())
                .multiPart("purpose", "fine-tune").post("/v1/files").then().statusCode(200).extract().path("id");
        long started = System.nanoTime();
        JsonPath job = given().contentType("application/json").body(JOB.formatted(file)).post("/v1/fine_tuning/jobs")
                .then().statusCode(200).extract().jsonPath();
        String id = job.getString("id");
        List<String> events = SseEvents.data(given().get("/v1/fine_tuning/jobs/" + id + "/events?stream=true").then()
                .statusCode(200).extract().asString());
        System.out.printf("identity fine-tune of the default model took %.1f s%n", (System.nanoTime() - started) / 1e9);
        JsonPath done = given().get("/v1/fine_tuning/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("succeeded", done.getString("status"), done.prettify() + "\n" + events);
        String tuned = done.getString("fine_tuned_model");
        assertEquals("ft:foundry-tiny:nova:" + id, tuned);

        for (String question : List.of("Who are you?", "What is your name?")) {
            String before = chat("foundry-tiny", question);
            String after = chat(tuned, question);
            System.out.printf("%s%n  foundry-tiny: %s%n  %s: %s%n", question, before, tuned, after);
            assertTrue(after.contains("Nova"), "the fine-tuned model names itself Nova: " + after);
            assertFalse(before.contains("Nova"), "the base model does not: " + before);
        }
    }

    private static String chat(String model, String question) {
        String body = """
                {"model": "%s", "temperature": 0, "max_tokens": 60,
                 "messages": [{"role": "user", "content": "%s"}]}""".formatted(model, question);
        return given().contentType("application/json").body(body).post("/v1/chat/completions").then().statusCode(200)
                .extract().path("choices[0].message.content");
    }
}
