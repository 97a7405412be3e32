package dev.lorafoundry.numerics;

import dev.lorafoundry.model.NumericsFixtures;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/** Starts the service on one numerics fixture model, written by the test run itself. */
public abstract class NumericsFixtureProfile implements QuarkusTestProfile {

    static final Path MODELS = Path.of("target/numerics-fixtures");

    protected abstract String fixture();

    @Override
    public Map<String, String> getConfigOverrides() {
        Path dir = NumericsFixtures.named(fixture()).writeTo(MODELS);
        return Map.of("lorafoundry.model.path", dir.toString(), "lorafoundry.model.name", fixture());
    }
}
