package dev.lorafoundry.numerics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.adapter.LoraFixtures;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service's log-probs and greedy tokens from /v1/completions against goldens from the independent float64
 * reference (tools/reference), for one random-weight fixture model.
 */
abstract class NumericsTestBase {

    /** Absolute tolerance on log-probs (the engine runs in float32; the reference in float64). */
    static final double TOLERANCE = 1e-3;

    /** The fixture the class's @TestProfile serves, so each test names it once, in its profile. */
    String fixture() throws ReflectiveOperationException {
        Class<? extends io.quarkus.test.junit.QuarkusTestProfile> profile =
                getClass().getAnnotation(io.quarkus.test.junit.TestProfile.class).value();
        return ((NumericsFixtureProfile) profile.getDeclaredConstructor().newInstance()).fixture();
    }

    JsonNode golden() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/golden/numerics/" + fixture() + ".json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void modelFilesAreTheOnesTheGoldensWereMadeFrom() throws Exception {
        JsonNode files = golden().get("files");
        for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> file = it.next();
            byte[] bytes = Files.readAllBytes(NumericsFixtureProfile.MODELS.resolve(fixture()).resolve(file.getKey()));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertEquals(file.getValue().asText(), sha, "the test model's " + file.getKey()
                    + " differs from the one the goldens were computed on; rerun tools/reference/regenerate-numerics-goldens.sh");
        }
    }

    @Test
    void promptLogprobsAndGreedyContinuationMatchTheReference() throws Exception {
        assertMatchesGolden(fixture(), golden());
    }

    /**
     * Each LoRA fixture on this base model (golden/lora): registered through /v1/load_lora_adapter, then its log-probs
     * and greedy tokens against the reference's PEFT semantics.
     */
    @Test
    void adaptersOnThisBaseMatchTheReference() throws Exception {
        for (LoraFixtures.Fixture lora : LoraFixtures.all()) {
            if (!lora.base().equals(fixture())) {
                continue;
            }
            LoraFixtures.Folders folders = lora.writeTo(Path.of("target/lora-fixtures"));
            JsonNode golden;
            try (InputStream in = getClass().getResourceAsStream("/golden/lora/" + lora.name() + ".json")) {
                golden = new ObjectMapper().readTree(in);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("files").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> file = it.next();
                byte[] bytes = Files.readAllBytes(folders.base().getParent().resolve(file.getKey()));
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                assertEquals(file.getValue().asText(), sha, lora.name() + ": " + file.getKey()
                        + " differs from the file the goldens were made from; rerun tools/reference/regenerate-lora-goldens.sh");
            }
            given().contentType(ContentType.JSON).body(Map.of("lora_name", lora.name(), "lora_path",
                    folders.adapter().toAbsolutePath().toString())).post("/v1/load_lora_adapter").then().statusCode(200);
            try {
                assertMatchesGolden(lora.name(), golden);
            } finally {
                given().contentType(ContentType.JSON).body(Map.of("lora_name", lora.name()))
                        .post("/v1/unload_lora_adapter").then().statusCode(200);
            }
        }
    }

    private void assertMatchesGolden(String model, JsonNode golden) throws Exception {
        List<Integer> prompt = new ArrayList<>();
        golden.get("promptIds").forEach(n -> prompt.add(n.asInt()));
        int greedyTokens = golden.get("greedyIds").size();

        JsonNode response = new ObjectMapper().readTree(given().contentType(ContentType.JSON)
                .body(Map.of("model", model, "prompt", prompt, "max_tokens", greedyTokens, "temperature", 0,
                        "echo", true, "logprobs", 5, "ignore_eos", true, "return_tokens_as_token_ids", true))
                .post("/v1/completions").then().statusCode(200).extract().asString());
        JsonNode logprobs = response.get("choices").get(0).get("logprobs");
        JsonNode tokens = logprobs.get("tokens");
        JsonNode tokenLogprobs = logprobs.get("token_logprobs");
        JsonNode topLogprobs = logprobs.get("top_logprobs");
        assertEquals(prompt.size() + greedyTokens, tokens.size(), "echo returns prompt and completion tokens");

        assertNull(tokenLogprobs.get(0).numberValue(), "the first prompt token has no log-prob");
        double worst = 0;
        for (int i = 1; i < prompt.size(); i++) {
            double expected = golden.get("promptLogprobs").get(i).asDouble();
            worst = Math.max(worst, Math.abs(expected - tokenLogprobs.get(i).asDouble()));
            assertEquals(expected, tokenLogprobs.get(i).asDouble(), TOLERANCE, "prompt token " + i);
            assertTopMatches(golden.get("promptTopLogprobs").get(i), topLogprobs.get(i), "prompt token " + i);
        }
        for (int i = 0; i < greedyTokens; i++) {
            int position = prompt.size() + i;
            assertEquals("token_id:" + golden.get("greedyIds").get(i).asInt(), tokens.get(position).asText(),
                    "greedy token " + i);
            assertEquals(golden.get("greedyLogprobs").get(i).asDouble(), tokenLogprobs.get(position).asDouble(),
                    TOLERANCE, "greedy token " + i);
        }
        System.out.printf("numerics %s: max |Δ logprob| over the prompt = %.2e%n", model, worst);
    }

    private static void assertTopMatches(JsonNode expected, JsonNode actual, String where) {
        // Like vLLM, the chosen token is listed too when it is not among the top ones.
        assertTrue(actual.size() == expected.size() || actual.size() == expected.size() + 1,
                where + ": number of top log-probs " + actual.size());
        for (JsonNode entry : expected) {
            JsonNode value = actual.get("token_id:" + entry.get("id").asInt());
            if (value == null) {
                // A near-tie at the edge of the top 5 may swap which token is listed; it must then be a near-tie.
                List<Double> values = new ArrayList<>();
                actual.forEach(v -> values.add(v.asDouble()));
                values.sort(java.util.Comparator.reverseOrder());
                assertEquals(entry.get("logprob").asDouble(), values.get(expected.size() - 1), TOLERANCE,
                        where + ": top token " + entry.get("id") + " missing and not a near-tie");
                continue;
            }
            assertEquals(entry.get("logprob").asDouble(), value.asDouble(), TOLERANCE, where + ": top token " + entry.get("id"));
        }
    }
}
