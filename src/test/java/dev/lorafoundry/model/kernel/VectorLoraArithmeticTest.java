package dev.lorafoundry.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lorafoundry.model.lora.LoraKernel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * LoRA's shrink and expand, vectorised and scalar, against double-precision loops, for ranks that do and do not fill
 * the 4-row groups and lengths around the vector widths.
 */
class VectorLoraArithmeticTest {

    private static final List<LoraKernel.Arithmetic> IMPLEMENTATIONS =
            List.of(new VectorLoraArithmetic(), LoraKernel.Arithmetic.SCALAR);

    @Test
    void shrinkMatchesDoublePrecision() {
        SplittableRandom random = new SplittableRandom(5);
        for (int rank : new int[] {1, 3, 4, 5, 8, 9}) {
            for (int in : new int[] {1, 15, 16, 17, 67, 896}) {
                int xOffset = 3;
                float[] x = gaussian(random, xOffset + in);
                float[] a = gaussian(random, rank * in);
                float scale = 0.5f;
                for (LoraKernel.Arithmetic arithmetic : IMPLEMENTATIONS) {
                    float[] u = new float[rank];
                    arithmetic.shrink(x, xOffset, a, in, scale, u);
                    for (int j = 0; j < rank; j++) {
                        double expected = 0;
                        for (int i = 0; i < in; i++) {
                            expected += (double) x[xOffset + i] * a[j * in + i];
                        }
                        assertEquals(scale * expected, u[j], 1e-4 * (1 + Math.sqrt(in)),
                                arithmetic + " rank=" + rank + " in=" + in + " j=" + j);
                    }
                }
            }
        }
    }

    @Test
    void expandAddsToTheTargetAndLeavesTheRestAlone() {
        SplittableRandom random = new SplittableRandom(6);
        for (int rank : new int[] {1, 4, 7}) {
            for (int out : new int[] {1, 15, 16, 17, 130}) {
                int offset = 5;
                float[] bT = gaussian(random, rank * out);
                float[] u = gaussian(random, rank);
                float[] initial = gaussian(random, offset + out + 2);
                for (LoraKernel.Arithmetic arithmetic : IMPLEMENTATIONS) {
                    float[] target = initial.clone();
                    arithmetic.expand(bT, out, u, target, offset);
                    for (int k = 0; k < target.length; k++) {
                        double expected = initial[k];
                        if (k >= offset && k < offset + out) {
                            for (int j = 0; j < rank; j++) {
                                expected += (double) u[j] * bT[j * out + k - offset];
                            }
                        }
                        assertEquals(expected, target[k], 1e-4 * (1 + Math.sqrt(rank)),
                                arithmetic + " rank=" + rank + " out=" + out + " k=" + k);
                    }
                }
            }
        }
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
