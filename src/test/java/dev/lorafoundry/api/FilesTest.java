package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.redis.RedisGateway;
import dev.lorafoundry.testsupport.FilesTestProfile;
import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Files API end to end through HTTP, with the embedded Redis: round trip, listing, every bad input, Redis restarts. */
@QuarkusTest
@TestProfile(FilesTestProfile.class)
@QuarkusTestResource(TinyModelResource.class)
class FilesTest {

    static final String CHAT_JSONL = """
            {"messages":[{"role":"user","content":"Bonjour ?"},{"role":"assistant","content":"Très bien, merci ✓"}]}
            {"prompt":"2+2=","completion":"4"}

            {"instruction":"Say hi","input":"","output":"hi"}
            {"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"hello"}]}
            {"text":"plain pre-training text"}
            {"input":{"messages":[{"role":"user","content":"q"}]},"preferred_output":[{"role":"assistant","content":"a"}],"non_preferred_output":[{"role":"assistant","content":"b"}]}
            """;

    @Inject
    RedisGateway redis;

    @Test
    void uploadListRetrieveDownloadDelete() throws Exception {
        byte[] content = CHAT_JSONL.getBytes(StandardCharsets.UTF_8);
        JsonPath created = upload("train.jsonl", content, "fine-tune").statusCode(200).extract().jsonPath();
        String id = created.getString("id");
        assertTrue(id.matches("file-[A-Za-z0-9]{24}"), id);
        assertEquals("file", created.getString("object"));
        assertEquals(content.length, created.getLong("bytes"));
        assertEquals("train.jsonl", created.getString("filename"));
        assertEquals("fine-tune", created.getString("purpose"));
        assertEquals("processed", created.getString("status"));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(created.getLong("created_at") - now) < 60, "created_at is in seconds since the epoch");
        Path onDisk = Path.of(FilesTestProfile.DATA_DIR, "files", id);
        assertArrayEquals(content, Files.readAllBytes(onDisk));

        given().get("/v1/files").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem(id))
                .body("has_more", equalTo(false));
        given().get("/v1/files/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("bytes", equalTo(content.length)).body("filename", equalTo("train.jsonl"));
        byte[] downloaded = given().get("/v1/files/" + id + "/content").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(content, downloaded);

        given().delete("/v1/files/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("object", equalTo("file")).body("deleted", equalTo(true));
        given().get("/v1/files/" + id).then().statusCode(404);
        given().get("/v1/files/" + id + "/content").then().statusCode(404);
        given().get("/v1/files").then().statusCode(200).body("data.id", not(hasItem(id)));
        assertFalse(Files.exists(onDisk), "content is removed with the file");
    }

    @Test
    void listingPagesNewestFirstFiltersByPurposeAndOrders() {
        String first = upload("a.jsonl", "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8), "fine-tune").statusCode(200)
                .extract().path("id");
        String second = upload("b.bin", new byte[] {0, 1, 2}, "user_data").statusCode(200).extract().path("id");
        String third = upload("c.jsonl", "{\"text\":\"c\"}\n".getBytes(StandardCharsets.UTF_8), "fine-tune").statusCode(200)
                .extract().path("id");

        List<String> newestFirst = given().get("/v1/files").then().statusCode(200).extract().path("data.id");
        assertTrue(newestFirst.indexOf(third) < newestFirst.indexOf(second) && newestFirst.indexOf(second) < newestFirst.indexOf(first),
                "default order is newest first: " + newestFirst);
        List<String> oldestFirst = given().queryParam("order", "asc").get("/v1/files").then().statusCode(200).extract().path("data.id");
        assertEquals(newestFirst.reversed(), oldestFirst);

        // Page one at a time from the newest, as the OpenAI clients do with after = last_id.
        JsonPath page = given().queryParam("limit", 1).get("/v1/files").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(newestFirst.get(0)), page.getList("data.id"));
        assertTrue(page.getBoolean("has_more"));
        assertEquals(newestFirst.get(0), page.getString("last_id"));
        page = given().queryParam("limit", 1).queryParam("after", page.getString("last_id")).get("/v1/files")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(newestFirst.get(1)), page.getList("data.id"));

        List<String> fineTune = given().queryParam("purpose", "fine-tune").get("/v1/files").then().statusCode(200)
                .extract().path("data.id");
        assertTrue(fineTune.contains(first) && fineTune.contains(third) && !fineTune.contains(second), fineTune.toString());
        List<String> purposes = given().queryParam("purpose", "user_data").get("/v1/files").then().statusCode(200)
                .extract().path("data.purpose");
        assertTrue(purposes.stream().allMatch("user_data"::equals), purposes.toString());
    }

    @Test
    void nonTrainingPurposesAreStoredAsTheyAre() {
        byte[] binary = new byte[5000];
        new Random(7).nextBytes(binary);
        String id = upload("blob.bin", binary, "user_data").statusCode(200).body("purpose", equalTo("user_data")).extract().path("id");
        assertArrayEquals(binary, given().get("/v1/files/" + id + "/content").then().statusCode(200).extract().asByteArray());
    }

    @Test
    void malformedJsonlNamesEveryBadLine() {
        String body = """
                {"text":"fine"}
                {"text": "missing brace"
                [{"text":"an array"}]

                "just a string"
                {"text":"fine again"}
                """;
        upload("bad.jsonl", body.getBytes(StandardCharsets.UTF_8), "fine-tune").statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("file"))
                .body("error.message", containsString("line 2: not valid JSON"))
                .body("error.message", containsString("line 3: expected a JSON object, found array"))
                .body("error.message", containsString("line 5: expected a JSON object, found string"))
                .body("error.message", not(containsString("line 1:")))
                .body("error.message", not(containsString("line 6:")));
    }

    @Test
    void fineTuneRecordsMustLookLikeTrainingData() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"}]}\n{\"question\":\"q\",\"answer\":\"a\"}\n{\"messages\":[]}\n";
        upload("shape.jsonl", body.getBytes(StandardCharsets.UTF_8), "fine-tune").statusCode(400)
                .body("error.message", containsString("line 2: not a fine-tuning record"))
                .body("error.message", containsString("found keys [question, answer]"))
                .body("error.message", containsString("line 3: 'messages' must be a non-empty array"));
    }

    @Test
    void emptyOrBlankFilesAreRefused() {
        upload("empty.jsonl", new byte[0], "fine-tune").statusCode(400).body("error.message", containsString("empty"));
        upload("blank.jsonl", "\n  \n\n".getBytes(StandardCharsets.UTF_8), "fine-tune").statusCode(400)
                .body("error.message", containsString("no records"));
    }

    @Test
    void missingPartsAndBadPurposesAre400s() {
        given().multiPart("purpose", "fine-tune").post("/v1/files").then().statusCode(400)
                .body("error.param", equalTo("file")).body("error.message", containsString("'file' part"));
        given().multiPart("file", "t.jsonl", "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8)).post("/v1/files")
                .then().statusCode(400).body("error.param", equalTo("purpose")).body("error.message", containsString("fine-tune"));
        upload("t.jsonl", "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8), "batch").statusCode(400)
                .body("error.param", equalTo("purpose")).body("error.message", containsString("does not have"));
        upload("t.jsonl", "{\"text\":\"a\"}\n".getBytes(StandardCharsets.UTF_8), "fine_tune").statusCode(400)
                .body("error.param", equalTo("purpose")).body("error.message", containsString("Unknown purpose 'fine_tune'"));
        given().contentType("application/json").body("{\"purpose\":\"fine-tune\"}").post("/v1/files").then().statusCode(415)
                .body("error.message", containsString("multipart/form-data"));
    }

    @Test
    void unknownIdsAre404s() {
        for (String id : new String[] {"file-doesnotexist", "not-a-file-id"}) {
            given().get("/v1/files/" + id).then().statusCode(404)
                    .body("error.param", equalTo("id")).body("error.message", startsWith("No such File object: " + id));
            given().get("/v1/files/" + id + "/content").then().statusCode(404).body("error.param", equalTo("id"));
            given().delete("/v1/files/" + id).then().statusCode(404).body("error.param", equalTo("id"));
        }
    }

    @Test
    void badListParametersAre400s() {
        given().queryParam("limit", 0).get("/v1/files").then().statusCode(400).body("error.param", equalTo("limit"));
        given().queryParam("limit", "ten").get("/v1/files").then().statusCode(400).body("error.param", equalTo("limit"));
        given().queryParam("order", "newest").get("/v1/files").then().statusCode(400).body("error.param", equalTo("order"));
        given().queryParam("after", "file-gone").get("/v1/files").then().statusCode(400).body("error.param", equalTo("after"));
    }

    @Test
    void fileOverTheLimitIsA413() {
        byte[] tooBig = "{\"text\":\"x\"}\n".repeat((int) (FilesTestProfile.MAX_FILE_BYTES / 13) + 10).getBytes(StandardCharsets.UTF_8);
        upload("big.jsonl", tooBig, "fine-tune").statusCode(413)
                .body("error.code", equalTo("file_too_large"))
                .body("error.param", equalTo("file"))
                .body("error.message", containsString(tooBig.length + " bytes"))
                .body("error.message", containsString(FilesTestProfile.MAX_FILE_BYTES + " bytes"));
        byte[] atTheLimit = new byte[(int) FilesTestProfile.MAX_FILE_BYTES];
        upload("exact.bin", atTheLimit, "user_data").statusCode(200).body("bytes", equalTo(atTheLimit.length));
    }

    @Test
    void bodyOverTheHttpLimitIsA413WithTheErrorJson() {
        // Larger than quarkus.http.limits.max-body-size, with a Content-Length as curl and the OpenAI clients send it:
        // refused before the body is parsed, yet the client (which sends everything first) reads a JSON answer.
        byte[] huge = new byte[(int) (2 * FilesTestProfile.MAX_BODY_BYTES)];
        String boundary = "lorafoundry-test-boundary";
        byte[] body = multipartBody(boundary, "huge.bin", huge, "user_data");
        given().contentType("multipart/form-data; boundary=" + boundary).body(body).post("/v1/files").then().statusCode(413)
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("(" + body.length + " bytes)"))
                .body("error.message", containsString("max-body-size = " + FilesTestProfile.MAX_BODY_BYTES))
                .body("error.message", containsString("lorafoundry.files.max-bytes"));
        // Sent chunked (no Content-Length; REST Assured's multipart does this), the limit is only seen while reading:
        // Quarkus answers 413 itself then, without a body.
        upload("huge.bin", huge, "user_data").statusCode(413);
        given().get("/v1/files").then().statusCode(200); // and the server goes on serving
    }

    @Test
    void embeddedRedisIsRestartedAfterBeingKilledAndKeepsItsData() throws Exception {
        String id = upload("keep.jsonl", "{\"text\":\"survives\"}\n".getBytes(StandardCharsets.UTF_8), "fine-tune")
                .statusCode(200).extract().path("id");
        long pid = redis.embeddedPid().orElseThrow();
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        // Debian's redis-server is a link to redis-check-rdb, which is what the process table shows.
        assertTrue(server.info().command().orElse("").contains("redis"), server.info().toString());
        server.destroyForcibly();
        server.onExit().get();

        long deadline = System.nanoTime() + 15_000_000_000L;
        int status = 0;
        while (System.nanoTime() < deadline && (status = given().get("/v1/files/" + id).statusCode()) != 200) {
            assertEquals(503, status, "while Redis restarts the endpoint answers 503, nothing else");
            Thread.sleep(100);
        }
        assertEquals(200, status, "the file endpoint answers again once the supervisor restarted redis-server");
        assertNotEquals(pid, redis.embeddedPid().orElseThrow(), "a new redis-server process serves");
        given().get("/v1/files/" + id + "/content").then().statusCode(200).body(equalTo("{\"text\":\"survives\"}\n"));
    }

    private static byte[] multipartBody(String boundary, String filename, byte[] content, String purpose) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[start.length + content.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(content, 0, body, start.length, content.length);
        System.arraycopy(end, 0, body, start.length + content.length, end.length);
        return body;
    }

    private static ValidatableResponse upload(String filename, byte[] content, String purpose) {
        return given().multiPart("file", filename, content, "application/octet-stream").multiPart("purpose", purpose)
                .post("/v1/files").then();
    }
}
