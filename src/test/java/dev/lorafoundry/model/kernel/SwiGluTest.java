package dev.lorafoundry.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks SwiGlu against silu(g)·u computed in double, including the scalar tail and extreme gates. */
class SwiGluTest {

    @Test
    void matchesDoubleReference() {
        Random random = new Random(12);
        for (int n : new int[] {1, 15, 16, 37, 4864}) {
            float[] gate = new float[n + 3];
            float[] up = new float[n + 3];
            for (int i = 0; i < gate.length; i++) {
                gate[i] = (float) (random.nextGaussian() * 4);
                up[i] = (float) random.nextGaussian();
            }
            gate[0] = -120f; // e^120 overflows float: silu must go to -0, not NaN
            if (n > 1) {
                gate[1] = 95f;
            }
            float[] original = gate.clone();
            SwiGlu.applyInPlace(gate, up, n);
            for (int i = 0; i < n; i++) {
                double g = original[i];
                double expected = g / (1 + Math.exp(-g)) * up[i];
                assertEquals(expected, gate[i], 1e-5 * Math.max(1, Math.abs(expected)), "n=" + n + " i=" + i);
            }
            for (int i = n; i < gate.length; i++) {
                assertEquals(original[i], gate[i], "past n is untouched");
            }
        }
    }
}
