package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture llama-yarn-f32. */
@QuarkusTest
@TestProfile(NumericsLlamaYarnF32Test.Profile.class)
class NumericsLlamaYarnF32Test extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "llama-yarn-f32";
        }
    }
}
