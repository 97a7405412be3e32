package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture llama-f32. */
@QuarkusTest
@TestProfile(NumericsLlamaF32Test.Profile.class)
class NumericsLlamaF32Test extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "llama-f32";
        }
    }
}
