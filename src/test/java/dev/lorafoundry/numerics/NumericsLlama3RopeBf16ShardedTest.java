package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture llama3-rope-bf16-sharded. */
@QuarkusTest
@TestProfile(NumericsLlama3RopeBf16ShardedTest.Profile.class)
class NumericsLlama3RopeBf16ShardedTest extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "llama3-rope-bf16-sharded";
        }
    }
}
