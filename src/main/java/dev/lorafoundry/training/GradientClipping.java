package dev.lorafoundry.training;

import java.util.List;

/** Clipping by the global gradient norm, as torch.nn.utils.clip_grad_norm_ does it. */
final class GradientClipping {

    private GradientClipping() {}

    /**
     * Scales every gradient by maxNorm / (norm + 1e-6) when that is below 1; returns the norm before clipping.
     * maxNorm ≤ 0 only measures.
     */
    static double clip(List<float[]> gradients, double maxNorm) {
        double squares = 0;
        for (float[] g : gradients) {
            for (float v : g) {
                squares += (double) v * v;
            }
        }
        double norm = Math.sqrt(squares);
        if (maxNorm > 0 && Double.isFinite(norm)) {
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1) {
                float c = (float) coefficient;
                for (float[] g : gradients) {
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= c;
                    }
                }
            }
        }
        return norm;
    }
}
