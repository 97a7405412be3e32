package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture qwen3-f32-sharded. */
@QuarkusTest
@TestProfile(NumericsQwen3F32ShardedTest.Profile.class)
class NumericsQwen3F32ShardedTest extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "qwen3-f32-sharded";
        }
    }
}
