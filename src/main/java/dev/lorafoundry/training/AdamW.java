package dev.lorafoundry.training;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW as torch.optim.AdamW computes it (betas 0.9/0.999, eps 1e-8): decoupled weight decay {@code p ← p·(1 − lr·wd)},
 * then the Adam update with bias correction. Moments are float32 like the parameters; the arithmetic per element is
 * double.
 */
public final class AdamW {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    private final double weightDecay;
    private final List<float[]> firstMoments;
    private final List<float[]> secondMoments;
    private int steps;

    /** Zero moments shaped like {@code parameters}. */
    public AdamW(List<float[]> parameters, double weightDecay) {
        this.weightDecay = weightDecay;
        this.firstMoments = new ArrayList<>(parameters.size());
        this.secondMoments = new ArrayList<>(parameters.size());
        for (float[] p : parameters) {
            firstMoments.add(new float[p.length]);
            secondMoments.add(new float[p.length]);
        }
    }

    /** Applies one update to {@code parameters} from {@code gradients} (same order and shapes as at construction). */
    public void step(List<float[]> parameters, List<float[]> gradients, double learningRate) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2Sqrt = Math.sqrt(1 - Math.pow(BETA2, steps));
        double stepSize = learningRate / correction1;
        float decay = (float) (1 - learningRate * weightDecay);
        for (int t = 0; t < parameters.size(); t++) {
            float[] p = parameters.get(t);
            float[] g = gradients.get(t);
            float[] m = firstMoments.get(t);
            float[] v = secondMoments.get(t);
            for (int i = 0; i < p.length; i++) {
                float mi = (float) (m[i] + (g[i] - (double) m[i]) * (1 - BETA1));
                float vi = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * (double) g[i]);
                m[i] = mi;
                v[i] = vi;
                double denominator = Math.sqrt(vi) / correction2Sqrt + EPS;
                p[i] = (float) (p[i] * decay - stepSize * mi / denominator);
            }
        }
    }

    public int steps() {
        return steps;
    }

    public List<float[]> firstMoments() {
        return firstMoments;
    }

    public List<float[]> secondMoments() {
        return secondMoments;
    }

    /** Restores the state a checkpoint saved: moments (same order and shapes) and the step count. */
    public void restore(List<float[]> first, List<float[]> second, int stepCount) {
        if (first.size() != firstMoments.size() || second.size() != secondMoments.size()) {
            throw new IllegalArgumentException("the checkpoint has moments for " + first.size()
                    + " tensors but the adapter has " + firstMoments.size());
        }
        for (int t = 0; t < first.size(); t++) {
            copy(first.get(t), firstMoments.get(t), t);
            copy(second.get(t), secondMoments.get(t), t);
        }
        this.steps = stepCount;
    }

    private static void copy(float[] from, float[] to, int tensor) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("the checkpoint's optimizer moment " + tensor + " has " + from.length
                    + " values but the parameter has " + to.length);
        }
        System.arraycopy(from, 0, to, 0, from.length);
    }
}
