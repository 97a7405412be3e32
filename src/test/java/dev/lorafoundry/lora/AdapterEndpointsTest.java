package dev.lorafoundry.lora;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registering, uploading, selecting and deleting adapters over HTTP, and every kind of bad adapter refused clearly. */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class AdapterEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ValidatableResponse load(String name, Path path) {
        return given().contentType("application/json").body(Map.of("lora_name", name, "lora_path", path.toString()))
                .post("/v1/load_lora_adapter").then();
    }

    private static ValidatableResponse uploadZip(String name, byte[] zip) {
        return given().contentType("application/zip").queryParam("name", name).body(zip).post("/v1/adapters").then();
    }

    private static ValidatableResponse chat(String model) {
        return given().contentType("application/json").body(Map.of("model", model, "max_tokens", 4,
                "messages", List.of(Map.of("role", "user", "content", "hi")))).post("/v1/chat/completions").then();
    }

    private static void assertError(ValidatableResponse response, int status, String param, String phrase) {
        response.statusCode(status).body("error.message", containsString(phrase));
        if (param != null) {
            response.body("error.param", equalTo(param));
        }
    }

    @Test
    void zipUploadIsServedListedAndDeletedWithItsFiles() {
        Path source = AdapterFiles.writeSimple("endpoints", "zipped", 21);
        uploadZip("zipped-upload", AdapterFiles.zipFolder(source)).statusCode(200)
                .body("id", equalTo("zipped-upload")).body("source", equalTo("upload")).body("rank", equalTo(4))
                .body("targets", equalTo(List.of("q_proj", "v_proj")));
        chat("zipped-upload").statusCode(200).body("model", equalTo("zipped-upload"));
        given().get("/v1/adapters/zipped-upload").then().statusCode(200).body("resident", equalTo(true));
        Path stored = Path.of("target/test-adapters/zipped-upload");
        assertTrue(Files.isRegularFile(stored.resolve("adapter_model.safetensors")));

        given().delete("/v1/adapters/zipped-upload").then().statusCode(200).body("deleted", equalTo(true));
        assertFalse(Files.exists(stored), "an uploaded adapter's files go with it");
        assertError(chat("zipped-upload"), 404, "model", "does not exist");
        given().get("/v1/models").then().body("data.id", not(hasItem("zipped-upload")));
    }

    @Test
    void multipartUploadOfTheTwoFiles() {
        Path source = AdapterFiles.writeSimple("endpoints", "parts", 22);
        given().multiPart("name", "multipart-upload")
                .multiPart("adapter_config", source.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model", source.resolve("adapter_model.safetensors").toFile())
                .post("/v1/adapters").then().statusCode(200).body("id", equalTo("multipart-upload"));
        chat("multipart-upload").statusCode(200);
        given().delete("/v1/adapters/multipart-upload").then().statusCode(200);
    }

    @Test
    void unloadForgetsTheAdapterButKeepsItsFiles() {
        Path source = AdapterFiles.writeSimple("endpoints", "by-path", 23);
        load("by-path", source).statusCode(200).body(containsString("added successfully"));
        chat("by-path").statusCode(200);
        given().contentType("application/json").body(Map.of("lora_name", "by-path"))
                .post("/v1/unload_lora_adapter").then().statusCode(200);
        assertError(chat("by-path"), 404, "model", "does not exist");
        assertTrue(Files.exists(source.resolve("adapter_model.safetensors")));
    }

    @Test
    void unsafeNamesAreRefused() {
        Path source = AdapterFiles.writeSimple("endpoints", "named", 24);
        for (String name : List.of("../evil", "a/b", "..", ".hidden", "x".repeat(200), "with space")) {
            assertError(load(name, source), 400, "lora_name", "not allowed");
            assertError(uploadZip(name, AdapterFiles.zipFolder(source)), 400, null, "not allowed");
        }
        assertFalse(Files.exists(Path.of("target/evil")));
    }

    @Test
    void oversizedUploadsAreRefusedWith413() throws IOException {
        Path big = AdapterFiles.ROOT.resolve("endpoints/big.bin");
        Files.createDirectories(big.getParent());
        Files.write(big, new byte[5_000_000]); // over the test profile's 4 MB limit; compresses to a few KB
        Path source = AdapterFiles.writeSimple("endpoints", "bomb", 25);
        byte[] bomb = AdapterFiles.zip(Map.of("adapter_config.json", source.resolve("adapter_config.json"),
                "adapter_model.safetensors", big));
        assertError(uploadZip("zip-bomb", bomb), 413, "file", "max-upload-bytes");
        given().multiPart("name", "too-big").multiPart("adapter_config", source.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model", big.toFile()).post("/v1/adapters").then()
                .statusCode(413).body("error.message", containsString("max-upload-bytes"));
        assertFalse(Files.exists(Path.of("target/test-adapters/zip-bomb")));
    }

    @Test
    void truncatedSafetensorsIsRefusedNamingTheFile() throws IOException {
        Path dir = AdapterFiles.writeSimple("endpoints", "truncated", 26);
        Path weights = dir.resolve("adapter_model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertError(load("truncated", dir), 400, null, "adapter_model.safetensors");
        assertError(uploadZip("truncated", AdapterFiles.zipFolder(dir)), 400, null, "adapter_model.safetensors");
    }

    @Test
    void adapterForAnotherModelShapeIsRefusedNamingTheTensor() {
        Path otherModel = Path.of("target/test-models/wider-random");
        RandomModelSpec tiny = TinyModelResource.SPEC;
        RandomModelWriter.write(new RandomModelSpec("wider-random", tiny.architecture(), 96, 160, 2, 4, 2, null, 512,
                true, "F32", 1, null, 1024, 5L, 0.08), otherModel);
        Path dir = AdapterFiles.ROOT.resolve("endpoints/wrong-shape").toAbsolutePath();
        dev.lorafoundry.adapter.RandomAdapterWriter.write(
                RandomAdapterSpec.simple("wrong-shape", 4, List.of("q_proj"), 27), otherModel, dir);
        assertError(load("wrong-shape", dir), 400, null, "lora_A");
    }

    @Test
    void missingTensorIsRefusedNamingIt() throws IOException {
        Path full = AdapterFiles.writeSimple("endpoints", "full", 28);
        Path qOnly = AdapterFiles.write("endpoints",
                RandomAdapterSpec.simple("q-only", 4, List.of("q_proj"), 28));
        // The config promises q and v, the weights only have q.
        Path dir = AdapterFiles.ROOT.resolve("endpoints/missing").toAbsolutePath();
        Files.createDirectories(dir);
        Files.copy(full.resolve("adapter_config.json"), dir.resolve("adapter_config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(qOnly.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertError(load("missing", dir), 400, null, "v_proj");
    }

    @Test
    void unknownTargetAndUnsupportedOptionsAreRefused() throws IOException {
        Path dir = AdapterFiles.writeSimple("endpoints", "odd-config", 29);
        Path config = dir.resolve("adapter_config.json");
        ObjectNode original = (ObjectNode) JSON.readTree(config.toFile());

        ObjectNode unknownTarget = original.deepCopy();
        unknownTarget.putArray("target_modules").add("q_proj").add("lm_head");
        Files.writeString(config, unknownTarget.toString());
        assertError(load("odd-target", dir), 400, null, "lm_head");

        ObjectNode modulesToSave = original.deepCopy();
        modulesToSave.putArray("modules_to_save").add("lm_head");
        Files.writeString(config, modulesToSave.toString());
        assertError(load("odd-save", dir), 400, null, "modules_to_save");
        Files.writeString(config, original.toString());
    }

    @Test
    void pathsNamesAndModelsThatDoNotExist() {
        Path source = AdapterFiles.writeSimple("endpoints", "dup", 30);
        assertError(load("no-folder", Path.of("/nonexistent/adapter")), 400, "lora_path", "does not exist");
        load("dup-name", source).statusCode(200);
        assertError(load("dup-name", source), 409, "lora_name", "already registered");
        assertError(given().contentType("application/json").body(Map.of("lora_name", "never-loaded"))
                .post("/v1/unload_lora_adapter").then(), 404, "lora_name", "never-loaded");
        assertError(given().get("/v1/adapters/never-loaded").then(), 404, "lora_name", "never-loaded");
        assertError(chat("never-loaded"), 404, "model", "never-loaded");
        assertError(given().contentType("application/json").body(Map.of("adapter_id", "never-loaded", "max_tokens", 2,
                "messages", List.of(Map.of("role", "user", "content", "hi")))).post("/v1/chat/completions").then(),
                404, "adapter_id", "never-loaded");
        assertError(given().contentType("application/zip").body(new byte[] {1, 2, 3}).queryParam("name", "junk")
                .post("/v1/adapters").then(), 400, "file", "zip");
        given().contentType("application/json").body(Map.of("lora_name", "dup-name")).post("/v1/unload_lora_adapter");
    }
}
