package dev.lorafoundry.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Dot products of two float-array slices with the Vector API (LoRA's shrink: rank short dot products per token). */
public final class ArrayDotProduct {

    private static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;

    private ArrayDotProduct() {}

    /** Σ a[aOffset + i]·b[bOffset + i] for i in [0, n). */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        FloatVector sum0 = FloatVector.zero(SPECIES);
        FloatVector sum1 = FloatVector.zero(SPECIES);
        int step = SPECIES.length();
        int i = 0;
        for (; i + 2 * step <= n; i += 2 * step) {
            sum0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, bOffset + i), sum0);
            sum1 = FloatVector.fromArray(SPECIES, a, aOffset + i + step)
                    .fma(FloatVector.fromArray(SPECIES, b, bOffset + i + step), sum1);
        }
        for (; i + step <= n; i += step) {
            sum0 = FloatVector.fromArray(SPECIES, a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, bOffset + i), sum0);
        }
        float sum = sum0.add(sum1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }
}
