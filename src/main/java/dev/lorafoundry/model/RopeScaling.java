package dev.lorafoundry.model;

/**
 * rope_scaling from config.json (also accepts the key "rope_type" for "type"). Nullable fields where HF has no default.
 * type is one of default-free kinds: linear, dynamic, llama3, yarn. Fields a type does not use are 0.
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings, double betaFast, double betaSlow, Double attentionFactor) {

    /** HF's yarn defaults for beta_fast / beta_slow, used when the config omits them. */
    public static final double YARN_BETA_FAST = 32;
    public static final double YARN_BETA_SLOW = 1;

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0, 0, 0, null);
    }

    public static RopeScaling dynamic(double factor) {
        return new RopeScaling("dynamic", factor, 0, 0, 0, 0, 0, null);
    }

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMax) {
        return new RopeScaling("llama3", factor, lowFreqFactor, highFreqFactor, originalMax, 0, 0, null);
    }

    public static RopeScaling yarn(double factor, int originalMax) {
        return new RopeScaling("yarn", factor, 0, 0, originalMax, YARN_BETA_FAST, YARN_BETA_SLOW, null);
    }
}
