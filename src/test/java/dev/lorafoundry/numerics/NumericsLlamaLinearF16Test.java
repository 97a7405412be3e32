package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture llama-linear-f16. */
@QuarkusTest
@TestProfile(NumericsLlamaLinearF16Test.Profile.class)
class NumericsLlamaLinearF16Test extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "llama-linear-f16";
        }
    }
}
