package dev.lorafoundry.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service with the embedded Redis in a fresh data directory, a short job lease and heartbeat (so tests see
 * leases, cancels and restarts quickly), and small upload limits (64 KiB files, 1 MiB bodies).
 */
public class JobsTestProfile implements QuarkusTestProfile {

    public static final long MAX_FILE_BYTES = 64 * 1024;
    public static final String DATA_DIR = "target/jobs-test-data/" + System.currentTimeMillis();
    public static final String ADAPTERS_DIR = DATA_DIR + "/adapters";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lorafoundry.data-dir", DATA_DIR,
                "lorafoundry.adapters.dir", ADAPTERS_DIR,
                "lorafoundry.files.max-bytes", Long.toString(MAX_FILE_BYTES),
                "quarkus.http.limits.max-body-size", Long.toString(1024 * 1024),
                "lorafoundry.jobs.lease-ttl", "3s",
                "lorafoundry.jobs.heartbeat", "300ms",
                "lorafoundry.jobs.poll-interval", "200ms");
    }
}
