package dev.lorafoundry.model.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The gated MLP activation silu(gate)·up, element-wise, with the Vector API's exp (SVML on x86). */
public final class SwiGlu {

    private static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;

    private SwiGlu() {
    }

    /** gate[i] = gate[i] / (1 + e^-gate[i]) · up[i] for i in [0, n). */
    public static void applyInPlace(float[] gate, float[] up, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector g = FloatVector.fromArray(SPECIES, gate, i);
            FloatVector sigmoidDenominator = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sigmoidDenominator).mul(FloatVector.fromArray(SPECIES, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }
}
