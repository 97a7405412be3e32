package dev.lorafoundry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lorafoundry.testsupport.TinyModelResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps openapi/openapi.yaml equal to what the service publishes at /q/openapi.
 * After changing the API, regenerate the file with:
 * {@code mvn -o test -Dtest=OpenApiSyncTest -Dopenapi.update=true} and commit it.
 */
@QuarkusTest
@QuarkusTestResource(TinyModelResource.class)
class OpenApiSyncTest {

    private static final Path COMMITTED = Path.of("openapi/openapi.yaml");

    @Test
    void committedDocumentMatchesTheServedOne() throws IOException {
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.update")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served);
            return;
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "(missing: run with -Dopenapi.update=true)";
        assertEquals(committed, served, "openapi/openapi.yaml is stale; regenerate it with -Dopenapi.update=true");
    }
}
