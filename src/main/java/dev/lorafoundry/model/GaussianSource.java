package dev.lorafoundry.model;

import java.util.SplittableRandom;

/**
 * Standard normal draws that are identical on every JVM: Box-Muller with StrictMath over SplittableRandom's
 * specified nextDouble() stream (RandomGenerator.nextGaussian's algorithm is not specified, so it is not used).
 */
public final class GaussianSource {

    private final SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    public GaussianSource(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public double next() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - random.nextDouble(); // in (0, 1], so the log is finite
        double u2 = random.nextDouble();
        double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double angle = 2.0 * StrictMath.PI * u2;
        spare = radius * StrictMath.sin(angle);
        hasSpare = true;
        return radius * StrictMath.cos(angle);
    }
}
