package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture qwen2-bf16. */
@QuarkusTest
@TestProfile(NumericsQwen2Bf16Test.Profile.class)
class NumericsQwen2Bf16Test extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "qwen2-bf16";
        }
    }
}
