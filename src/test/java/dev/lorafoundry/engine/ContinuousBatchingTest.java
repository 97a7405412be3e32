package dev.lorafoundry.engine;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.testsupport.MetricsScrape;
import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Concurrent requests share engine steps, and a client that goes away frees its batch slot. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class ContinuousBatchingTest {

    @Test
    void sixteenConcurrentChatsRunInTheSameSteps() throws Exception {
        String model = ServedModelInfo.fetch().id();
        int streams = 16;
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<CompletableFuture<JsonPath>> replies = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int seed = i;
                replies.add(CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                        .body(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "Hi " + seed)),
                                "max_tokens", 96, "ignore_eos", true, "seed", seed, "temperature", 0.8))
                        .post("/v1/chat/completions").then().statusCode(200).extract().jsonPath(), pool));
            }
            for (CompletableFuture<JsonPath> reply : replies) {
                assertEquals(96, reply.get().getInt("usage.completion_tokens"));
            }
        } finally {
            pool.shutdown();
        }
        // Every request decodes 96 steps; served one after another, no step would hold more than one sequence.
        double largestBatch = MetricsScrape.value("lorafoundry_step_batch_size_max");
        assertTrue(largestBatch >= streams / 2.0, "the largest engine step held " + largestBatch + " sequences");
    }

    @Test
    void disconnectedStreamIsCancelledAndFreesItsSlot() throws Exception {
        String model = ServedModelInfo.fetch().id();
        double cancelledBefore = MetricsScrape.value("lorafoundry_cancelled_sequences_total");
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/chat/completions");
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.getOutputStream().write(("{\"model\":\"" + model + "\",\"stream\":true,\"ignore_eos\":true,"
                + "\"max_tokens\":900,\"messages\":[{\"role\":\"user\",\"content\":\"go on forever\"}]}")
                .getBytes(StandardCharsets.UTF_8));
        try (InputStream in = connection.getInputStream()) {
            byte[] firstChunks = in.readNBytes(400);
            assertTrue(new String(firstChunks, StandardCharsets.UTF_8).contains("data:"));
        }
        connection.disconnect();

        long deadline = System.currentTimeMillis() + 10_000;
        while (MetricsScrape.value("lorafoundry_cancelled_sequences_total") < cancelledBefore + 1
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(cancelledBefore + 1, MetricsScrape.value("lorafoundry_cancelled_sequences_total"),
                "the engine cancelled the sequence of the client that left");
        assertEquals(0, MetricsScrape.value("lorafoundry_running_sequences"), "its batch slot is free");
    }
}
