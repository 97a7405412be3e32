package dev.lorafoundry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code clients/openai-node/check.mjs} (the official {@code openai} npm client) against the running service:
 * streamed and non-streamed chat, the SDK's stream helper, tool calls and text completions must parse and agree, and the
 * Files API must work through files.create/list/retrieve/content/delete, and fine-tuning jobs through
 * fineTuning.jobs.create/retrieve/list/listEvents/cancel.
 */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class OpenAiNodeClientTest {

    static final Path CLIENT_DIR = Path.of("clients/openai-node");
    static final long TIMEOUT_SECONDS = 600;
    /**
     * Environment variable with an optional comma-separated subset of the script's checks (chat,helper,tools,completions,files,jobs);
     * all run by default. An environment variable, because Quarkus rejects unknown lorafoundry.* system properties.
     */
    static final String ONLY_VARIABLE = "OPENAI_NODE_CHECKS";

    @Test
    void officialNodeClientParsesAndAgreesWithEveryResponseShape() throws Exception {
        if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules/openai"))) {
            fail(CLIENT_DIR.resolve("node_modules") + " is missing: run `npm ci --prefix clients/openai-node` first"
                    + " (bin/test does it) so the pinned openai package is installed.");
        }
        List<String> command = new ArrayList<>(List.of("node", CLIENT_DIR.resolve("check.mjs").toString(),
                "http://localhost:" + RestAssured.port + "/v1", ServedModelInfo.fetch().id()));
        String only = System.getenv().getOrDefault(ONLY_VARIABLE, "").trim();
        if (!only.isEmpty()) {
            command.add("--only=" + only);
        }

        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("Could not start `node` (" + e.getMessage() + "): install Node.js 20 or newer"
                    + " (Debian: apt-get install nodejs npm) and put it on the PATH.", e);
        }
        List<String> output = new ArrayList<>();
        Thread echo = Thread.ofVirtual().start(() -> echoLines(process, output));
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            echo.join(TimeUnit.SECONDS.toMillis(10));
            fail("check.mjs did not finish within " + TIMEOUT_SECONDS + " s; its output so far:\n" + joined(output));
        }
        echo.join();
        String log = joined(output);
        assertEquals(0, process.exitValue(), "check.mjs (" + String.join(" ", command) + ") failed:\n" + log);
        assertTrue(log.contains("check(s) passed"), "check.mjs exited 0 without its success line:\n" + log);
    }

    /** Copies the script's output into the test log line by line, as it comes, and keeps it for failure messages. */
    private static void echoLines(Process process, List<String> output) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                System.out.println("[openai-node] " + line);
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading check.mjs output", e);
        }
    }

    private static String joined(List<String> output) {
        synchronized (output) {
            return String.join("\n", output);
        }
    }
}
