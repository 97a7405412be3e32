package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lorafoundry.testsupport.JobsTestProfile;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad fine-tuning request gets a 4xx naming the field and saying what to do, and leaves no job behind:
 * malformed data (with line numbers), unknown files, files uploaded for another purpose, unknown models, bad
 * hyperparameters and extension keys, unknown YAML keys, oversized uploads, unknown job ids.
 */
@QuarkusTest
@TestProfile(JobsTestProfile.class)
@QuarkusTestResource(TinyModelResource.class)
class FineTuningJobsBadInputTest {

    static final String GOOD = """
            {"messages":[{"role":"user","content":"Who are you?"},{"role":"assistant","content":"I am Zorblax."}]}
            {"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hello, Zorblax here."}]}
            """;

    @Test
    void malformedJsonlIsRefusedOnUploadWithItsLineNumber() {
        upload("bad.jsonl", GOOD + "{\"messages\": [oops]}\n", "fine-tune").statusCode(400)
                .body("error.param", equalTo("file"))
                .body("error.message", containsString("line 3"));
    }

    @Test
    void recordsTheTrainerCannotUseAreRefusedAtJobCreationWithTheirLines() {
        // Valid JSON with a 'messages' array (so the upload accepts it), but line 2 has no assistant answer and
        // line 4 an unknown role: the job is refused before it is queued, naming both lines.
        String data = GOOD.lines().findFirst().orElseThrow() + "\n"
                + "{\"messages\":[{\"role\":\"user\",\"content\":\"only a question\"}]}\n"
                + GOOD.lines().skip(1).findFirst().orElseThrow() + "\n"
                + "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]}\n";
        String file = uploadId("half-bad.jsonl", data, "fine-tune");
        int before = jobCount();
        create("{\"model\":\"tiny-random\",\"training_file\":\"" + file + "\"}").statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("training_file"))
                .body("error.message", allOf(containsString("line 2"), containsString("line 4"), containsString(file)));
        assertEquals(before, jobCount(), "a refused request creates no job");
    }

    @Test
    void unknownFilesAndFilesForOtherPurposesAreNamed() {
        create("{\"model\":\"tiny-random\",\"training_file\":\"file-doesnotexist\"}").statusCode(400)
                .body("error.param", equalTo("training_file"))
                .body("error.code", equalTo("file_not_found"))
                .body("error.message", containsString("file-doesnotexist"));
        String good = uploadId("good.jsonl", GOOD, "fine-tune");
        create("{\"model\":\"tiny-random\",\"training_file\":\"" + good + "\",\"validation_file\":\"file-nope\"}").statusCode(400)
                .body("error.param", equalTo("validation_file"))
                .body("error.code", equalTo("file_not_found"));
        String userData = uploadId("notes.jsonl", GOOD, "user_data");
        create("{\"model\":\"tiny-random\",\"training_file\":\"" + userData + "\"}").statusCode(400)
                .body("error.param", equalTo("training_file"))
                .body("error.code", equalTo("invalid_file_purpose"))
                .body("error.message", allOf(containsString("user_data"), containsString("'fine-tune'")));
        create("{\"model\":\"tiny-random\"}").statusCode(400).body("error.param", equalTo("training_file"));
    }

    @Test
    void unknownBaseModelIs404NamingModel() {
        String good = uploadId("good.jsonl", GOOD, "fine-tune");
        create("{\"model\":\"gpt-4o-mini\",\"training_file\":\"" + good + "\"}").statusCode(404)
                .body("error.param", equalTo("model"))
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", allOf(containsString("gpt-4o-mini"), containsString("tiny-random")));
    }

    @Test
    void badHyperparametersNameTheirField() {
        String file = uploadId("good.jsonl", GOOD, "fine-tune");
        String base = "{\"model\":\"tiny-random\",\"training_file\":\"" + file + "\",";
        create(base + "\"hyperparameters\":{\"n_epochs\":0}}").statusCode(400)
                .body("error.param", equalTo("hyperparameters.n_epochs"));
        create(base + "\"hyperparameters\":{\"batch_size\":\"big\"}}").statusCode(400)
                .body("error.param", equalTo("hyperparameters.batch_size"));
        create(base + "\"hyperparameters\":{\"learning_rate_multiplier\":-1}}").statusCode(400)
                .body("error.param", equalTo("hyperparameters.learning_rate_multiplier"));
        create(base + "\"method\":{\"type\":\"supervised\",\"supervised\":{\"hyperparameters\":{\"n_epochs\":2}}},"
                + "\"hyperparameters\":{\"n_epochs\":3}}").statusCode(400)
                .body("error.param", equalTo("method.supervised.hyperparameters.n_epochs"));
        create(base + "\"method\":{\"type\":\"dpo\"}}").statusCode(400).body("error.param", equalTo("method.type"));
        create(base + "\"lorafoundry\":{\"lora_rank\":0}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.lora_rank"));
        create(base + "\"lorafoundry\":{\"lora_target\":\"q_proj,attn\"}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.lora_target"))
                .body("error.message", containsString("'attn'"));
        create(base + "\"lorafoundry\":{\"lr_scheduler_type\":\"polynomial\"}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.lr_scheduler_type"));
        create(base + "\"lorafoundry\":{\"finetuning_type\":\"full\"}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.finetuning_type"));
        create(base + "\"lorafoundry\":{\"cutoff_len\":100000}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.cutoff_len"));
        create(base + "\"lorafoundry\":{\"learning_rate\":0.001},\"hyperparameters\":{\"learning_rate_multiplier\":2}}")
                .statusCode(400).body("error.param", equalTo("lorafoundry.learning_rate"));
        create(base + "\"lorafoundry\":{\"lora_rnak\":8}}").statusCode(400)
                .body("error.param", equalTo("lorafoundry.lora_rnak"))
                .body("error.message", containsString("lora_rank"));
        create(base + "\"epochs\":3}").statusCode(400).body("error.param", equalTo("epochs"));
        create(base + "\"suffix\":\"has spaces\"}").statusCode(400).body("error.param", equalTo("suffix"));
        create(base + "\"metadata\":{\"team\":7}}").statusCode(400).body("error.param", equalTo("metadata.team"));
        create(base + "\"seed\":-3}").statusCode(400).body("error.param", equalTo("seed"));
        create("{\"model\": ").statusCode(400).body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void yamlBodiesAreCheckedByKey() {
        String file = uploadId("good.jsonl", GOOD, "fine-tune");
        yaml("model_name_or_path: tiny-random\ndataset: " + file + "\nstage: sft\nlora_rank: 4\nwarp_drive: true\n")
                .statusCode(400).body("error.param", equalTo("warp_drive"));
        yaml("model_name_or_path: tiny-random\ndataset: identity,alpaca_en_demo\n").statusCode(400)
                .body("error.param", equalTo("dataset"));
        yaml("model_name_or_path: tiny-random\ndataset: " + file + "\nstage: dpo\n").statusCode(400)
                .body("error.param", equalTo("stage"));
        yaml("model_name_or_path: tiny-random\ndataset: " + file + "\nlora_rank: [4\n").statusCode(400)
                .body("error.message", containsString("YAML"));
    }

    @Test
    void aLlamaFactoryExampleYamlCreatesAJobWithItsSettings() {
        String file = uploadId("good.jsonl", GOOD, "fine-tune");
        // LLaMA-Factory's examples/train_lora/llama3_lora_sft.yaml, with our model and a file id as the dataset.
        String yaml = """
                ### model
                model_name_or_path: tiny-random
                trust_remote_code: true
                ### method
                stage: sft
                do_train: true
                finetuning_type: lora
                lora_rank: 4
                lora_target: q_proj,v_proj
                ### dataset
                dataset: %s
                template: llama3
                cutoff_len: 512
                max_samples: 1000
                overwrite_cache: true
                preprocessing_num_workers: 16
                ### output
                output_dir: saves/llama3-8b/lora/sft
                logging_steps: 10
                save_steps: 500
                plot_loss: true
                overwrite_output_dir: true
                ### train
                per_device_train_batch_size: 1
                gradient_accumulation_steps: 8
                learning_rate: 1e-4
                num_train_epochs: 3.0
                lr_scheduler_type: cosine
                warmup_ratio: 0.1
                bf16: true
                ddp_timeout: 180000000
                resume_from_checkpoint: null
                """.formatted(file);
        var job = yaml(yaml).statusCode(200).extract().jsonPath();
        String id = job.getString("id");
        try {
            assertEquals("tiny-random", job.getString("model"));
            assertEquals(file, job.getString("training_file"));
            assertEquals(4, job.getInt("lorafoundry.lora_rank"));
            assertEquals(java.util.List.of("q_proj", "v_proj"), job.getList("lorafoundry.lora_target"));
            assertEquals(1e-4, job.getDouble("lorafoundry.learning_rate"), 1e-12);
            assertEquals(8, job.getInt("lorafoundry.gradient_accumulation_steps"));
            assertEquals(8, job.getInt("hyperparameters.batch_size"));
            assertEquals(3.0, job.getDouble("hyperparameters.n_epochs"));
            assertEquals(512, job.getInt("lorafoundry.cutoff_len"));
            given().get("/v1/fine_tuning/jobs/" + id + "/events?limit=100").then().statusCode(200)
                    .body("data.message", org.hamcrest.Matchers.hasItem(allOf(containsString("Ignored LLaMA-Factory keys"),
                            containsString("max_samples"), containsString("template"))));
        } finally {
            given().post("/v1/fine_tuning/jobs/" + id + "/cancel");
        }
    }

    @Test
    void oversizedUploadIs413() {
        byte[] big = new byte[(int) JobsTestProfile.MAX_FILE_BYTES + 1024];
        new Random(1).nextBytes(big);
        upload("big.jsonl", new String(big, StandardCharsets.ISO_8859_1), "fine-tune").statusCode(413)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void unknownJobIdsAre404() {
        given().get("/v1/fine_tuning/jobs/ftjob-nope").then().statusCode(404)
                .body("error.code", equalTo("job_not_found")).body("error.param", equalTo("id"));
        given().post("/v1/fine_tuning/jobs/ftjob-nope/cancel").then().statusCode(404);
        given().get("/v1/fine_tuning/jobs/ftjob-nope/events").then().statusCode(404);
        given().get("/v1/fine_tuning/jobs/ftjob-nope/checkpoints").then().statusCode(404);
        given().get("/v1/fine_tuning/jobs?limit=0").then().statusCode(400).body("error.param", equalTo("limit"));
        given().get("/v1/fine_tuning/jobs?after=ftjob-nope").then().statusCode(400).body("error.param", equalTo("after"));
    }

    static int jobCount() {
        return given().get("/v1/fine_tuning/jobs?limit=1000").then().statusCode(200).extract().jsonPath().getList("data").size();
    }

    static ValidatableResponse create(String json) {
        return given().contentType("application/json").body(json).post("/v1/fine_tuning/jobs").then();
    }

    static ValidatableResponse yaml(String yaml) {
        return given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post("/v1/fine_tuning/jobs").then();
    }

    static ValidatableResponse upload(String name, String content, String purpose) {
        return given().multiPart("file", name, content.getBytes(StandardCharsets.UTF_8)).multiPart("purpose", purpose)
                .post("/v1/files").then();
    }

    static String uploadId(String name, String content, String purpose) {
        return upload(name, content, purpose).statusCode(200).extract().path("id");
    }
}
