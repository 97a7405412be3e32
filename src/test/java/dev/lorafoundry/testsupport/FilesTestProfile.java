package dev.lorafoundry.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service with the embedded Redis in a fresh data directory and small upload limits (64 KiB files, 1 MiB bodies),
 * so oversized uploads can be tested without sending half a gigabyte.
 */
public class FilesTestProfile implements QuarkusTestProfile {

    public static final long MAX_FILE_BYTES = 64 * 1024;
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    public static final String DATA_DIR = "target/files-test-data/" + System.currentTimeMillis();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lorafoundry.data-dir", DATA_DIR,
                "lorafoundry.files.max-bytes", Long.toString(MAX_FILE_BYTES),
                "quarkus.http.limits.max-body-size", Long.toString(MAX_BODY_BYTES));
    }
}
