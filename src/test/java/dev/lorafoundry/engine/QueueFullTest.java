package dev.lorafoundry.engine;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** When the batch and the queue are full, new requests get a clear 429 and the admitted ones still finish. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
@TestProfile(QueueFullTest.TinyQueue.class)
class QueueFullTest {

    public static class TinyQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lorafoundry.engine.max-batch-size", "1", "lorafoundry.engine.max-queued-requests", "1");
        }
    }

    @Test
    void overflowGets429AndNothingAdmittedIsLost() throws Exception {
        String model = ServedModelInfo.fetch().id();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Response>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replies.add(CompletableFuture.supplyAsync(() -> given().contentType("application/json")
                        .body(Map.of("model", model, "prompt", "tell me", "max_tokens", 300, "ignore_eos", true))
                        .post("/v1/completions").andReturn(), pool));
            }
            int ok = 0;
            int rejected = 0;
            for (CompletableFuture<Response> reply : replies) {
                Response r = reply.get();
                if (r.statusCode() == 200) {
                    ok++;
                    assertEquals(300, r.jsonPath().getInt("usage.completion_tokens"));
                } else {
                    rejected++;
                    assertEquals(429, r.statusCode(), r.asString());
                    assertEquals("overloaded", r.jsonPath().getString("error.code"), r.asString());
                    assertTrue(r.jsonPath().getString("error.message").toLowerCase().contains("retry"), r.asString());
                }
            }
            assertTrue(ok >= 2, "the running and the queued request finish: " + ok);
            assertTrue(rejected >= 1, "six long requests into one slot and a one-request queue: some must be rejected");
        } finally {
            pool.shutdown();
        }
    }
}
