package dev.lorafoundry.lora;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.adapter.RandomAdapterWriter;
import dev.lorafoundry.testsupport.MetricsScrape;
import dev.lorafoundry.testsupport.ServedModelInfo;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One engine step serves rows on different adapters and rows on the base model: each request, run in a batch with
 * four other adapters and the base, returns exactly what it returns alone.
 */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedAdapterBatchTest {

    private static final Path ADAPTERS = Path.of("target/test-lora/mixed");
    private static final List<Integer> PROMPT = List.of(72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100);
    private static final int GENERATED = 40;

    private final List<String> adapters = List.of("mix-lora-qv", "mix-lora-all", "mix-rslora", "mix-dora");

    private boolean registered;

    /** Registered on first use: RestAssured knows the test port only once a test runs. */
    @BeforeEach
    void registerAdapters() {
        if (registered) {
            return;
        }
        registered = true;
        List<RandomAdapterSpec> specs = List.of(
                RandomAdapterSpec.simple("mix-lora-qv", 4, List.of("q_proj", "v_proj"), 11),
                RandomAdapterSpec.simple("mix-lora-all", 8, List.of("q_proj", "k_proj", "v_proj", "o_proj",
                        "gate_proj", "up_proj", "down_proj"), 12),
                new RandomAdapterSpec("mix-rslora", 16, 8, null, "all-linear", true, false, null, null, null, "BF16",
                        13, 0.3),
                new RandomAdapterSpec("mix-dora", 8, 16, List.of("q_proj", "o_proj", "down_proj"), null, false, true,
                        null, null, null, "F32", 14, 0.3));
        for (RandomAdapterSpec spec : specs) {
            Path dir = ADAPTERS.resolve(spec.name());
            RandomAdapterWriter.write(spec, TinyModelResource.DIR, dir);
            given().contentType("application/json")
                    .body(Map.of("lora_name", spec.name(), "lora_path", dir.toAbsolutePath().toString()))
                    .post("/v1/load_lora_adapter").then().statusCode(200);
        }
    }

    /** Greedy tokens and their log-probs for one model id. */
    private record Answer(List<String> tokens, List<Float> logprobs) {}

    private static Answer complete(String model) {
        JsonPath reply = given().contentType("application/json")
                .body(Map.of("model", model, "prompt", PROMPT, "max_tokens", GENERATED, "temperature", 0,
                        "logprobs", 1, "ignore_eos", true, "return_tokens_as_token_ids", true))
                .post("/v1/completions").then().statusCode(200).extract().jsonPath();
        assertEquals(model, reply.getString("model"));
        return new Answer(reply.getList("choices[0].logprobs.tokens", String.class),
                reply.getList("choices[0].logprobs.token_logprobs", Float.class));
    }

    @Test
    void eachRowOfAMixedBatchEqualsTheSameRequestAlone() throws Exception {
        List<String> models = new ArrayList<>(adapters);
        models.add(ServedModelInfo.fetch().id());
        Map<String, Answer> alone = new LinkedHashMap<>();
        for (String model : models) {
            alone.put(model, complete(model));
        }
        for (String adapter : adapters) {
            assertNotEquals(alone.get(models.getLast()), alone.get(adapter), adapter + " must change the output");
        }

        ExecutorService pool = Executors.newFixedThreadPool(models.size() * 2);
        try {
            double mixedBefore = MetricsScrape.value("lorafoundry_step_adapters_max");
            for (int round = 0; round < 2; round++) {
                List<CompletableFuture<Answer>> together = new ArrayList<>();
                for (String model : models) {
                    together.add(CompletableFuture.supplyAsync(() -> complete(model), pool));
                    together.add(CompletableFuture.supplyAsync(() -> complete(model), pool));
                }
                for (int i = 0; i < together.size(); i++) {
                    String model = models.get(i / 2);
                    Answer batched = together.get(i).get();
                    Answer single = alone.get(model);
                    assertEquals(single.tokens(), batched.tokens(), model + ": greedy tokens in a mixed batch");
                    for (int t = 0; t < GENERATED; t++) {
                        assertEquals(single.logprobs().get(t), batched.logprobs().get(t), 1e-5,
                                model + ": log-prob of token " + t + " in a mixed batch");
                    }
                }
            }
            double mixed = MetricsScrape.value("lorafoundry_step_adapters_max");
            assertTrue(mixed >= 3 || mixedBefore >= 3, "some engine step held several adapters at once; max was " + mixed);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void adaptersAreListedAsModelsWithTheBaseAsParent() {
        String base = ServedModelInfo.fetch().id();
        JsonPath models = given().get("/v1/models").then().statusCode(200).extract().jsonPath();
        for (String adapter : adapters) {
            assertEquals(base, models.getString("data.find { it.id == '" + adapter + "' }.parent"));
        }
        JsonPath listed = given().get("/v1/adapters/mix-dora").then().statusCode(200).extract().jsonPath();
        assertEquals(8, listed.getInt("rank"));
        assertTrue(listed.getBoolean("use_dora"));
        assertEquals(List.of("q_proj", "o_proj", "down_proj"), listed.getList("targets"));
        assertEquals("path", listed.getString("source"));
    }

    @Test
    void modelPrefixedWithTheBaseAndLoraxAdapterIdSelectTheAdapter() {
        String base = ServedModelInfo.fetch().id();
        Answer byName = complete("mix-lora-all");
        JsonPath prefixed = given().contentType("application/json")
                .body(Map.of("model", base + ":mix-lora-all", "prompt", PROMPT, "max_tokens", GENERATED,
                        "temperature", 0, "logprobs", 1, "ignore_eos", true, "return_tokens_as_token_ids", true))
                .post("/v1/completions").then().statusCode(200).extract().jsonPath();
        assertEquals(byName.tokens(), prefixed.getList("choices[0].logprobs.tokens", String.class));
        JsonPath lorax = given().contentType("application/json")
                .body(Map.of("model", base, "adapter_id", "mix-lora-all", "prompt", PROMPT, "max_tokens", GENERATED,
                        "temperature", 0, "logprobs", 1, "ignore_eos", true, "return_tokens_as_token_ids", true))
                .post("/v1/completions").then().statusCode(200).extract().jsonPath();
        assertEquals(byName.tokens(), lorax.getList("choices[0].logprobs.tokens", String.class));
    }
}
