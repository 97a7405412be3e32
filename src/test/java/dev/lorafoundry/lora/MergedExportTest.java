package dev.lorafoundry.lora;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.model.KvCache;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.StepInput;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POST /v1/adapters/{name}/merge writes a model folder that this service loads with the adapter's own log-probs. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class MergedExportTest {

    private static final int[] PROMPT = {84, 104, 101, 32, 113, 117, 105, 99, 107, 32, 98, 114, 111, 119, 110};

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void mergedModelGivesTheUnmergedAdaptersLogprobs(boolean dora) throws Exception {
        String name = dora ? "merge-dora" : "merge-lora";
        Path dir = AdapterFiles.write("merge", new RandomAdapterSpec(name, 8, 16, null, "all-linear", !dora, dora,
                null, null, null, "F32", dora ? 41 : 42, 0.3));
        given().contentType("application/json").body(Map.of("lora_name", name, "lora_path", dir.toString()))
                .post("/v1/load_lora_adapter").then().statusCode(200);

        JsonPath served = given().contentType("application/json")
                .body(Map.of("model", name, "prompt", PROMPT, "max_tokens", 1, "temperature", 0, "echo", true,
                        "logprobs", 0)).post("/v1/completions").then().statusCode(200).extract().jsonPath();
        List<Float> adapterLogprobs = served.getList("choices[0].logprobs.token_logprobs", Float.class);

        deleteRecursively(Path.of("target/test-data/merged", name)); // %test.lorafoundry.data-dir
        JsonPath merged = given().contentType("application/json").body(Map.of())
                .post("/v1/adapters/" + name + "/merge").then().statusCode(200).extract().jsonPath();
        Path folder = Path.of(merged.getString("path"));
        assertTrue(Files.isRegularFile(folder.resolve("config.json")));
        assertTrue(Files.isRegularFile(folder.resolve("tokenizer.json")));
        assertTrue(merged.getList("files", String.class).contains("model.safetensors"));

        double[] mergedLogprobs = promptLogprobs(folder);
        for (int i = 1; i < PROMPT.length; i++) {
            assertEquals(mergedLogprobs[i], adapterLogprobs.get(i), 1e-4, "prompt token " + i);
        }
        double[] baseLogprobs = promptLogprobs(TinyModelResource.DIR);
        double moved = 0;
        for (int i = 1; i < PROMPT.length; i++) {
            moved = Math.max(moved, Math.abs(baseLogprobs[i] - mergedLogprobs[i]));
        }
        assertTrue(moved > 1e-2, "the adapter changes the model (max log-prob change " + moved + ")");
        given().contentType("application/json").body(Map.of("name", folder.getFileName().toString()))
                .post("/v1/adapters/" + name + "/merge").then().statusCode(409);
        deleteRecursively(folder);
    }

    /** Log-prob of each prompt token given the ones before it, by this project's model loader on the folder. */
    private static double[] promptLogprobs(Path modelDir) {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.load(modelDir, ModelConfig.read(modelDir), manager)) {
            KvCache cache = model.newCache(PROMPT.length);
            float[] logits = model.forward(new StepInput(List.of(new StepInput.Row(cache, PROMPT, 0, true))));
            int vocab = model.config().vocabSize();
            double[] result = new double[PROMPT.length];
            for (int i = 1; i < PROMPT.length; i++) {
                int offset = (i - 1) * vocab;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    max = Math.max(max, logits[offset + v]);
                }
                double sum = 0;
                for (int v = 0; v < vocab; v++) {
                    sum += Math.exp(logits[offset + v] - max);
                }
                result[i] = logits[offset + PROMPT[i]] - max - Math.log(sum);
            }
            cache.close();
            return result;
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
