package dev.lorafoundry.numerics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Numerics against the float64 reference: fixture mistral-f32. */
@QuarkusTest
@TestProfile(NumericsMistralF32Test.Profile.class)
class NumericsMistralF32Test extends NumericsTestBase {

    public static class Profile extends NumericsFixtureProfile {
        @Override
        protected String fixture() {
            return "mistral-f32";
        }
    }
}
