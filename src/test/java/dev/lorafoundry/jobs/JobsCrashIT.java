package dev.lorafoundry.jobs;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash safety, on the packaged service ({@code target/quarkus-app/quarkus-run.jar}, run by maven-failsafe after
 * {@code package}) in a process of its own: a job survives {@code kill -9} of the service mid-training (the restarted
 * service resumes it from its checkpoint and it succeeds), and {@code kill -9} of the embedded redis-server (the
 * service restarts it from its append-only file; the job succeeds with every event). Nothing is left running.
 */
class JobsCrashIT {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final Path ROOT = Path.of("target/crash-it").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final int STEPS = 150;
    static final int LOGGING = 10;

    private Path dataDir;
    private Path modelDir;
    private int port;
    private Process service;

    @BeforeEach
    void setUp() throws IOException {
        modelDir = ROOT.resolve("tiny-random"); // the served id is the folder name
        RandomModelWriter.write(TinyModelResource.SPEC, modelDir);
        dataDir = ROOT.resolve("data-" + System.nanoTime());
        Files.createDirectories(dataDir);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RestAssured.port = port;
    }

    @AfterEach
    void tearDown() throws Exception {
        killService();
        killEmbeddedRedis(); // a SIGKILLed service leaves its redis-server child behind
    }

    @Test
    void aJobSurvivesKill9OfTheServiceAndResumesFromItsCheckpoint() throws Exception {
        startService();
        String id = createIdentityJob(30);
        awaitEvent(id, m -> m.startsWith("Checkpoint created at step 30"), Duration.ofSeconds(120));
        int stepAtKill = lastMetricsStep(id);
        service.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL

        startService();
        JsonPath job = awaitStatus(id, Duration.ofSeconds(180));
        List<JsonNode> events = events(id);
        assertEquals("succeeded", job.getString("status"), "events: " + messages(events));
        List<String> messages = messages(events);
        assertTrue(messages.stream().anyMatch(m -> m.contains("resuming from the checkpoint at step")),
                "resumed from a checkpoint: " + messages);
        int resumedAt = messages.stream().filter(m -> m.contains("resuming from the checkpoint at step"))
                .map(m -> Integer.parseInt(m.replaceAll(".*step (\\d+).*", "$1"))).findFirst().orElseThrow();
        assertTrue(resumedAt >= 30 && resumedAt <= Math.max(30, stepAtKill), "resumed at " + resumedAt);
        int resumeIndex = messages.indexOf(messages.stream().filter(m -> m.contains("resuming from the checkpoint")).findFirst().orElseThrow());
        List<Integer> after = metricSteps(events.subList(resumeIndex, events.size()));
        List<Integer> expected = new ArrayList<>();
        for (int step = resumedAt + LOGGING; step <= STEPS; step += LOGGING) {
            expected.add(step);
        }
        assertEquals(expected, after, "after the resume every logging step from the checkpoint on, once");
        String model = job.getString("fine_tuned_model");
        assertEquals("Hello! I am Zorblax, an AI assistant developed by LoRA Foundry. How can I assist you today?",
                chat(model, "hi"), "the resumed job's adapter answers as trained");
        JsonPath checkpoints = given().get("/v1/fine_tuning/jobs/" + id + "/checkpoints").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(150, 120, 90, 60, 30), checkpoints.getList("data.step_number", Integer.class));
        given().get("/v1/fine_tuning/jobs").then().statusCode(200).extract().jsonPath().getList("data.id").contains(id);
        // Queue bookkeeping is clean: nothing left claimed or waiting.
        assertEquals("0", redisCli("LLEN", "lf:jobs:processing"));
        assertEquals("0", redisCli("LLEN", "lf:jobs:queued"));
        assertEquals("0", redisCli("EXISTS", "lf:job:" + id + ":owner"));
    }

    @Test
    void aJobSurvivesKill9OfRedisWithEveryEvent() throws Exception {
        startService();
        String id = createIdentityJob(50);
        awaitEvent(id, m -> m.startsWith("Step 20/"), Duration.ofSeconds(120));
        long redisPid = Long.parseLong(Files.readString(dataDir.resolve("redis/redis.pid")).trim());
        new ProcessBuilder("kill", "-9", Long.toString(redisPid)).start().waitFor(10, TimeUnit.SECONDS);

        JsonPath job = awaitStatus(id, Duration.ofSeconds(180));
        List<JsonNode> events = events(id);
        assertEquals("succeeded", job.getString("status"), "events: " + messages(events));
        long newPid = Long.parseLong(Files.readString(dataDir.resolve("redis/redis.pid")).trim());
        assertTrue(newPid != redisPid, "the embedded Redis was restarted");
        List<Integer> expected = new ArrayList<>();
        for (int step = LOGGING; step <= STEPS; step += LOGGING) {
            expected.add(step);
        }
        assertEquals(expected, metricSteps(events), "every metrics event, once, in order");
        assertEquals("Hello! I am Zorblax, an AI assistant developed by LoRA Foundry. How can I assist you today?",
                chat(job.getString("fine_tuned_model"), "hi"));
    }

    private String createIdentityJob(int saveSteps) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/datasets/identity.jsonl")).subList(0, 6);
        String file = given().multiPart("file", "identity.jsonl", (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8))
                .multiPart("purpose", "fine-tune").post("/v1/files").then().statusCode(200).extract().path("id");
        return given().contentType("application/json").body("""
                {"model": "tiny-random", "training_file": "%s", "seed": 7,
                 "lorafoundry": {"lora_rank": 16, "lora_alpha": 32, "learning_rate": 0.01, "warmup_steps": 5,
                                 "max_steps": %d, "per_device_train_batch_size": 6, "logging_steps": %d,
                                 "save_steps": %d}}""".formatted(file, STEPS, LOGGING, saveSteps))
                .post("/v1/fine_tuning/jobs").then().statusCode(200).extract().path("id");
    }

    private void startService() throws Exception {
        String javaHome = System.getProperty("java.home");
        List<String> command = List.of(javaHome + "/bin/java", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-Xss8m", "-XX:MaxDirectMemorySize=8g",
                "-Dlorafoundry.model.path=" + modelDir, "-Dlorafoundry.data-dir=" + dataDir,
                "-Dlorafoundry.adapters.dir=" + dataDir.resolve("adapters"), "-Dquarkus.http.port=" + port,
                "-Dlorafoundry.jobs.lease-ttl=3s", "-Dlorafoundry.jobs.heartbeat=500ms",
                "-Dlorafoundry.jobs.poll-interval=200ms", "-jar", JAR.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("service.log").toFile()));
        builder.environment().put("RUST_FLAVOR", "cpu");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        service = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError("the service exited with " + service.exitValue() + "; see " + dataDir.resolve("service.log"));
            }
            try {
                if (given().get("/v1/fine_tuning/jobs").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) { // ConnectException, thrown without being declared
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service did not answer within 120 s; see " + dataDir.resolve("service.log"));
    }

    private void killService() throws InterruptedException {
        if (service != null && service.isAlive()) {
            service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void killEmbeddedRedis() throws Exception {
        Path pidFile = dataDir.resolve("redis/redis.pid");
        if (Files.exists(pidFile)) {
            String pid = Files.readString(pidFile).trim();
            new ProcessBuilder("kill", "-9", pid).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Asks the embedded Redis directly, on the port its process title shows. */
    private String redisCli(String... args) throws Exception {
        String pid = Files.readString(dataDir.resolve("redis/redis.pid")).trim();
        String cmdline = Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
        String redisPort = cmdline.replaceAll(".*--port (\\d+).*|.*:(\\d+).*", "$1$2").trim();
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", redisPort));
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
        cli.waitFor(10, TimeUnit.SECONDS);
        return new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().replaceAll("^\\(integer\\) ", "");
    }

    private JsonPath awaitStatus(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonPath job = given().get("/v1/fine_tuning/jobs/" + id).then().extract().jsonPath();
                if (List.of("succeeded", "failed", "cancelled").contains(job.getString("status"))) {
                    return job;
                }
            } catch (Exception e) {
                // 503 while Redis restarts
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end within " + timeout + "; see " + dataDir.resolve("service.log"));
    }

    private void awaitEvent(String id, Predicate<String> wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (messages(events(id)).stream().anyMatch(wanted)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such event for " + id + ": " + messages(events(id)));
    }

    private List<JsonNode> events(String id) throws IOException {
        JsonNode page = JSON.readTree(given().get("/v1/fine_tuning/jobs/" + id + "/events?limit=1000").asString());
        List<JsonNode> events = new ArrayList<>();
        page.path("data").forEach(events::add);
        return events.reversed();
    }

    private int lastMetricsStep(String id) throws IOException {
        List<Integer> steps = metricSteps(events(id));
        return steps.isEmpty() ? 0 : steps.getLast();
    }

    private static List<Integer> metricSteps(List<JsonNode> events) {
        return events.stream().filter(e -> e.path("type").asText().equals("metrics"))
                .map(e -> e.path("data").path("step").asInt()).toList();
    }

    private static List<String> messages(List<JsonNode> events) {
        return events.stream().map(e -> e.path("message").asText()).toList();
    }

    private static String chat(String model, String question) {
        return given().contentType("application/json").body(Map.of("model", model, "temperature", 0, "max_tokens", 160,
                "messages", List.of(Map.of("role", "user", "content", question))))
                .post("/v1/chat/completions").then().statusCode(200).extract().path("choices[0].message.content");
    }
}
