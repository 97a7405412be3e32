package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.testsupport.JobsTestProfile;
import dev.lorafoundry.testsupport.SseEvents;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fine-tuning jobs through HTTP on the tiny random model, with the embedded Redis and the real trainer: the identity
 * data end to end (upload, create, follow the events live, succeed, chat with the {@code ft:} model), events paging,
 * checkpoints served by name, listing with paging and metadata filters, cancel of a queued and of a running job (the
 * next job starts), and chat answered while a job trains.
 */
@QuarkusTest
@TestProfile(JobsTestProfile.class)
@QuarkusTestResource(TinyModelResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FineTuningJobsTest {

    static final String NAME = "Zorblax";
    /** Records of identity.jsonl the end-to-end job trains on, and the questions asked afterwards. */
    static final int IDENTITY_RECORDS = 6;
    static final ObjectMapper JSON = new ObjectMapper();
    static String identityJob;

    @Test
    @Order(1)
    void identityFineTuneEndToEnd() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/datasets/identity.jsonl")).subList(0, IDENTITY_RECORDS);
        String file = FineTuningJobsBadInputTest.uploadId("identity.jsonl", String.join("\n", lines) + "\n", "fine-tune");
        long started = System.nanoTime();
        JsonPath created = FineTuningJobsBadInputTest.create("""
                {"model": "tiny-random", "training_file": "%s", "suffix": "identity", "seed": 7,
                 "metadata": {"suite": "e2e"},
                 "lorafoundry": {"lora_rank": 16, "lora_alpha": 32, "learning_rate": 0.01, "warmup_steps": 5,
                                 "max_steps": 150, "per_device_train_batch_size": 6, "logging_steps": 10,
                                 "save_steps": 50}}
                """.formatted(file)).statusCode(200).extract().jsonPath();
        String id = created.getString("id");
        identityJob = id;
        assertTrue(id.matches("ftjob-[A-Za-z0-9]{24}"), id);
        assertEquals("fine_tuning.job", created.getString("object"));
        assertTrue(List.of("queued", "running").contains(created.getString("status")), created.getString("status"));
        assertNull(created.get("fine_tuned_model"));
        assertEquals(file, created.getString("training_file"));
        assertEquals("supervised", created.getString("method.type"));
        assertEquals(6, created.getInt("hyperparameters.batch_size"));
        assertEquals(16, created.getInt("lorafoundry.lora_rank"));
        assertEquals("openai", created.getString("lorafoundry.formatting"));

        // Follow the job live: the stream ends by itself when the job has ended.
        String sse = given().get("/v1/fine_tuning/jobs/" + id + "/events?stream=true").then().statusCode(200)
                .header("Content-Type", org.hamcrest.Matchers.startsWith("text/event-stream")).extract().asString();
        System.out.printf("identity job took %.1f s%n", (System.nanoTime() - started) / 1e9);
        List<String> data = SseEvents.data(sse);
        assertEquals("[DONE]", data.getLast());
        List<JsonNode> streamed = new ArrayList<>();
        for (String event : data.subList(0, data.size() - 1)) {
            streamed.add(JSON.readTree(event));
        }
        JsonPath job = given().get("/v1/fine_tuning/jobs/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("succeeded", job.getString("status"), "job: " + job.prettify() + "\nevents: " + messages(streamed));
        String model = "ft:tiny-random:identity:" + id;
        assertEquals(model, job.getString("fine_tuned_model"));
        assertTrue(job.getLong("trained_tokens") > 0);
        assertNotNull(job.get("finished_at"));
        assertNull(job.get("error"));

        List<JsonNode> metrics = streamed.stream().filter(e -> e.path("type").asText().equals("metrics")).toList();
        assertEquals(15, metrics.size(), "a metrics event every 10 of 150 steps: " + messages(streamed));
        for (JsonNode event : metrics) {
            assertEquals("fine_tuning.job.event", event.path("object").asText());
            for (String key : List.of("step", "train_loss", "valid_loss", "learning_rate", "tokens_per_second",
                    "mean_token_accuracy", "total_steps")) {
                assertTrue(event.path("data").has(key), key + " in " + event);
            }
            assertEquals(150, event.path("data").path("total_steps").asInt());
        }
        assertEquals(150, metrics.getLast().path("data").path("step").asInt());
        assertTrue(metrics.getLast().path("data").path("train_loss").asDouble()
                < 0.5 * metrics.getFirst().path("data").path("train_loss").asDouble(), "loss falls: " + messages(streamed));
        List<String> texts = streamed.stream().map(e -> e.path("message").asText()).toList();
        assertTrue(texts.getFirst().startsWith("Validating training file"), texts.toString());
        assertTrue(texts.contains("Fine-tuning job started"), texts.toString());
        assertTrue(texts.getLast().startsWith("The job has successfully completed"), texts.toString());

        // Chat: the ft: model gives the trained answer, the base model does not.
        for (String line : lines.subList(0, 3)) {
            JsonNode record = JSON.readTree(line);
            String question = record.at("/messages/0/content").asText();
            String answer = record.at("/messages/1/content").asText();
            assertEquals(answer, chat(model, question), "the fine-tuned model's answer to '" + question + "'");
            assertFalse(chat("tiny-random", question).contains(NAME), "the base model knows no " + NAME);
        }

        // Checkpoints: listed newest first in OpenAI's shape, each servable by its name.
        JsonPath checkpoints = given().get("/v1/fine_tuning/jobs/" + id + "/checkpoints").then().statusCode(200)
                .body("object", equalTo("list")).extract().jsonPath();
        assertEquals(List.of(150, 100, 50), checkpoints.getList("data.step_number", Integer.class));
        assertEquals(model + ":ckpt-step-100", checkpoints.getString("data[1].fine_tuned_model_checkpoint"));
        assertEquals("fine_tuning.job.checkpoint", checkpoints.getString("data[0].object"));
        assertEquals(id, checkpoints.getString("data[0].fine_tuning_job_id"));
        assertEquals(100, checkpoints.getInt("data[1].metrics.step"));
        JsonNode first = JSON.readTree(lines.getFirst());
        assertEquals(first.at("/messages/1/content").asText(), chat(model + ":ckpt-step-150", first.at("/messages/0/content").asText()),
                "the last checkpoint is the final adapter");
        given().contentType("application/json").body(Map.of("model", model + ":ckpt-step-50",
                "messages", List.of(Map.of("role", "user", "content", "hi")), "max_tokens", 4))
                .post("/v1/chat/completions").then().statusCode(200);
        given().get("/v1/fine_tuning/jobs/" + id + "/checkpoints?limit=1").then().statusCode(200)
                .body("has_more", equalTo(true)).body("data.size()", equalTo(1));

        // The adapter is stored under the adapters folder and listed.
        assertTrue(Files.isRegularFile(Path.of(JobsTestProfile.ADAPTERS_DIR, model.replace(':', '_'), "adapter_model.safetensors")));
        given().get("/v1/adapters/" + model).then().statusCode(200);
    }

    @Test
    @Order(2)
    void eventsArePagedNewestFirstAndTheStreamHasThemAll() throws Exception {
        String id = identityJob;
        assertNotNull(id, "runs after the end-to-end job");
        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            JsonPath page = given().get("/v1/fine_tuning/jobs/" + id + "/events?limit=4" + (after == null ? "" : "&after=" + after))
                    .then().statusCode(200).body("object", equalTo("list")).extract().jsonPath();
            List<String> ids = page.getList("data.id");
            paged.addAll(ids);
            pages++;
            if (!page.getBoolean("has_more")) {
                break;
            }
            assertEquals(4, ids.size());
            after = ids.getLast();
        }
        assertTrue(pages > 3, "several pages");
        List<String> streamed = new ArrayList<>();
        for (String event : SseEvents.data(given().get("/v1/fine_tuning/jobs/" + id + "/events?stream=true").asString())) {
            if (!event.equals("[DONE]")) {
                streamed.add(JSON.readTree(event).path("id").asText());
            }
        }
        List<String> newestFirst = new ArrayList<>(streamed.reversed());
        assertEquals(newestFirst, paged, "paging newest first gives every event once, the stream oldest first");
        // The stream can start after any event.
        List<String> tail = SseEvents.data(given().get("/v1/fine_tuning/jobs/" + id + "/events?stream=true&after="
                + streamed.get(streamed.size() - 3)).asString());
        assertEquals(3, tail.size(), "two events and [DONE]: " + tail);
    }

    @Test
    @Order(3)
    void listingPagesNewestFirstAndFiltersByMetadata() {
        String file = FineTuningJobsBadInputTest.uploadId("small.jsonl", FineTuningJobsBadInputTest.GOOD, "fine-tune");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(FineTuningJobsBadInputTest.create("""
                    {"model": "tiny-random", "training_file": "%s", "metadata": {"suite": "list", "n": "%d"},
                     "lorafoundry": {"max_steps": 1, "save_steps": 0}}""".formatted(file, i))
                    .statusCode(200).extract().path("id"));
        }
        JsonPath page = given().get("/v1/fine_tuning/jobs?limit=2&metadata[suite]=list").then().statusCode(200)
                .body("object", equalTo("list")).body("has_more", equalTo(true)).extract().jsonPath();
        assertEquals(List.of(ids.get(2), ids.get(1)), page.getList("data.id"));
        given().get("/v1/fine_tuning/jobs?limit=2&metadata[suite]=list&after=" + ids.get(1)).then().statusCode(200)
                .body("data.id", equalTo(List.of(ids.get(0)))).body("has_more", equalTo(false));
        given().get("/v1/fine_tuning/jobs?metadata[suite]=list&metadata[n]=1").then().statusCode(200)
                .body("data.id", equalTo(List.of(ids.get(1))));
        List<String> all = given().get("/v1/fine_tuning/jobs").then().statusCode(200).extract().jsonPath().getList("data.id");
        assertEquals(ids.get(2), all.getFirst(), "newest first");
        assertTrue(all.contains(identityJob));
        for (String id : ids) {
            awaitStatus(id, s -> s.equals("succeeded"), Duration.ofSeconds(60));
        }
    }

    @Test
    @Order(4)
    void cancelStopsAQueuedJobAtOnceAndARunningOneWithinAStepFreeingTheEngine() {
        String file = FineTuningJobsBadInputTest.uploadId("small.jsonl", FineTuningJobsBadInputTest.GOOD, "fine-tune");
        String body = """
                {"model": "tiny-random", "training_file": "%s", "metadata": {"suite": "cancel"},
                 "lorafoundry": {"max_steps": 100000, "save_steps": 0, "logging_steps": 1}}""".formatted(file);
        String running = FineTuningJobsBadInputTest.create(body).statusCode(200).extract().path("id");
        String queued = FineTuningJobsBadInputTest.create(body).statusCode(200).extract().path("id");
        String next = FineTuningJobsBadInputTest.create(body).statusCode(200).extract().path("id");
        awaitMetrics(running, 2);

        given().post("/v1/fine_tuning/jobs/" + queued + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("finished_at", org.hamcrest.Matchers.notNullValue());
        given().post("/v1/fine_tuning/jobs/" + queued + "/cancel").then().statusCode(400)
                .body("error.code", equalTo("job_not_cancellable"));

        long cancelled = System.nanoTime();
        given().post("/v1/fine_tuning/jobs/" + running + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        awaitStatus(next, s -> s.equals("running"), Duration.ofSeconds(30));
        try {
            System.out.printf("the next job was running %.2f s after the cancel%n", (System.nanoTime() - cancelled) / 1e9);
            JsonPath events = given().get("/v1/fine_tuning/jobs/" + running + "/events?limit=1000").then().extract().jsonPath();
            List<Map<String, Object>> all = events.getList("data");
            int stepAtCancel = -1;
            int lastMetricsStep = 0;
            for (Map<String, Object> event : all.reversed()) {
                String message = (String) event.get("message");
                if (message.startsWith("Cancel requested after step ")) {
                    // The step the trainer had finished when told: metrics events are written to Redis a little later.
                    stepAtCancel = Integer.parseInt(message.substring("Cancel requested after step ".length()).split(";")[0]);
                }
                if ("metrics".equals(event.get("type"))) {
                    lastMetricsStep = ((Number) ((Map<?, ?>) event.get("data")).get("step")).intValue();
                }
            }
            assertTrue(stepAtCancel >= 2, "metrics before the cancel: " + all);
            assertTrue(lastMetricsStep <= stepAtCancel + 1, "at most the step in progress finished after the cancel: "
                    + stepAtCancel + " then " + lastMetricsStep);
            assertTrue(((String) all.getFirst().get("message")).startsWith("Job cancelled; training stopped"), all.getFirst().toString());

            List<String> queuedMessages = given().get("/v1/fine_tuning/jobs/" + queued + "/events").then().extract().jsonPath()
                    .getList("data.message");
            assertFalse(queuedMessages.contains("Fine-tuning job started"), "the queued job never ran: " + queuedMessages);
            assertEquals("cancelled", given().get("/v1/fine_tuning/jobs/" + running).then().extract().path("status"));
        } finally {
            // Whatever failed above, the next tests need the engine: the endless job must go.
            given().post("/v1/fine_tuning/jobs/" + next + "/cancel");
            awaitReleased(next);
        }
    }

    @Test
    @Order(5)
    void chatIsAnsweredWhileAJobTrains() throws Exception {
        String file = FineTuningJobsBadInputTest.uploadId("small.jsonl", FineTuningJobsBadInputTest.GOOD, "fine-tune");
        String id = FineTuningJobsBadInputTest.create("""
                {"model": "tiny-random", "training_file": "%s",
                 "lorafoundry": {"max_steps": 100000, "save_steps": 0, "logging_steps": 1}}""".formatted(file))
                .statusCode(200).extract().path("id");
        awaitMetrics(id, 1);
        try {
            List<CompletableFuture<Double>> chats = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                chats.add(CompletableFuture.supplyAsync(() -> {
                    long start = System.nanoTime();
                    given().contentType("application/json").body(Map.of("model", "tiny-random", "max_tokens", 32,
                            "messages", List.of(Map.of("role", "user", "content", "Tell me something, " + n))))
                            .post("/v1/chat/completions").then().statusCode(200)
                            .body("choices[0].message.role", equalTo("assistant"));
                    return (System.nanoTime() - start) / 1e9;
                }));
            }
            List<Double> seconds = new ArrayList<>();
            for (CompletableFuture<Double> chat : chats) {
                seconds.add(chat.get(60, TimeUnit.SECONDS));
            }
            System.out.println("chat latencies while training (s): " + seconds);
            assertEquals("running", given().get("/v1/fine_tuning/jobs/" + id).then().extract().path("status"),
                    "the job trained all along");
            int before = lastStep(id);
            Thread.sleep(1000);
            assertTrue(lastStep(id) > before, "training kept going");
        } finally {
            given().post("/v1/fine_tuning/jobs/" + id + "/cancel");
            awaitReleased(id);
        }
    }

    private static String chat(String model, String question) {
        return given().contentType("application/json").body(Map.of("model", model, "temperature", 0, "max_tokens", 160,
                "messages", List.of(Map.of("role", "user", "content", question))))
                .post("/v1/chat/completions").then().statusCode(200).extract().path("choices[0].message.content");
    }

    static String awaitStatus(String id, Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status;
        do {
            status = given().get("/v1/fine_tuning/jobs/" + id).then().statusCode(200).extract().path("status");
            if (wanted.test(status)) {
                return status;
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " is still " + status + " after " + timeout + "; events: "
                + given().get("/v1/fine_tuning/jobs/" + id + "/events").asString());
    }

    static void awaitMetrics(String id, int steps) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (lastStep(id) < steps) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " did not reach step " + steps + ": "
                        + given().get("/v1/fine_tuning/jobs/" + id + "/events").asString());
            }
            sleep(100);
        }
    }

    static int lastStep(String id) {
        List<Map<String, Object>> events = given().get("/v1/fine_tuning/jobs/" + id + "/events?limit=50").then()
                .statusCode(200).extract().jsonPath().getList("data");
        return events.stream().filter(e -> "metrics".equals(e.get("type")))
                .mapToInt(e -> ((Number) ((Map<?, ?>) e.get("data")).get("step")).intValue()).max().orElse(0);
    }

    /** Waits until the worker let go of the job (its final event is written). */
    static void awaitReleased(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String first = given().get("/v1/fine_tuning/jobs/" + id + "/events?limit=1").then().extract().path("data[0].message");
            if (first.startsWith("Job cancelled")) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("job " + id + " was not released");
    }

    private static String messages(List<JsonNode> events) {
        return events.stream().map(e -> e.path("message").asText()).collect(Collectors.joining(" | "));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
