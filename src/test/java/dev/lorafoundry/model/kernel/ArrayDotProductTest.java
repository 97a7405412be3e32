package dev.lorafoundry.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectorised dot product against a double-precision loop, for every length around the vector widths. */
class ArrayDotProductTest {

    @Test
    void matchesDoublePrecisionAtEveryLengthAndOffset() {
        SplittableRandom random = new SplittableRandom(5);
        float[] a = new float[300];
        float[] b = new float[300];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        for (int n = 0; n <= 100; n++) {
            for (int aOffset : new int[] {0, 3, 17}) {
                int bOffset = 150 + aOffset / 2;
                double expected = 0;
                for (int i = 0; i < n; i++) {
                    expected += (double) a[aOffset + i] * b[bOffset + i];
                }
                assertEquals(expected, ArrayDotProduct.dot(a, aOffset, b, bOffset, n), 1e-4 * (1 + Math.sqrt(n)),
                        "n=" + n + " aOffset=" + aOffset);
            }
        }
    }
}
