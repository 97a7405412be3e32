package dev.lorafoundry.model;

/**
 * HF-exact rotary embedding frequencies for rope types default, linear, dynamic, llama3 and yarn. Each step follows
 * transformers' modeling_rope_utils (5.x) including its float32 rounding, so frequencies match to the last bit or two.
 */
public final class RotaryEmbedding {

    private final ModelConfig config;
    private final RopeScaling scaling;
    private final int dim;
    private final float[] baseFrequencies;
    private final float attentionScaling;

    private RotaryEmbedding(ModelConfig config) {
        this.config = config;
        this.scaling = config.ropeScaling();
        this.dim = config.headDim();
        this.baseFrequencies = computeFixed();
        this.attentionScaling = computeAttentionScaling();
    }

    public static RotaryEmbedding of(ModelConfig config) {
        return new RotaryEmbedding(config);
    }

    /** Length headDim/2; seqLen matters only for "dynamic" (HF recomputes once positions pass max_position_embeddings). */
    public float[] inverseFrequencies(int seqLen) {
        if (scaling != null && scaling.type().equals("dynamic") && seqLen > config.maxPositionEmbeddings()) {
            return dynamic(seqLen);
        }
        return baseFrequencies.clone();
    }

    /**
     * cos and sin of position·inv_freq for the headDim/2 frequencies, times the attention scaling, written to
     * cos/sin[offset ..]. The angle is computed in float32, as HF does.
     */
    public void cosSin(int position, float[] inverseFrequencies, float[] cos, float[] sin, int offset) {
        for (int f = 0; f < inverseFrequencies.length; f++) {
            float angle = position * inverseFrequencies[f];
            cos[offset + f] = (float) Math.cos(angle) * attentionScaling;
            sin[offset + f] = (float) Math.sin(angle) * attentionScaling;
        }
    }

    /** HF's attention_scaling (yarn mscale; 1 otherwise), which multiplies cos and sin. */
    public float attentionScaling() {
        return attentionScaling;
    }

    private float[] computeFixed() {
        if (scaling == null) {
            return plain(config.ropeTheta());
        }
        return switch (scaling.type()) {
            case "linear" -> linear();
            case "dynamic" -> dynamic(config.maxPositionEmbeddings());
            case "llama3" -> llama3();
            case "yarn" -> yarn();
            default -> throw new ModelLoadException("rope type \"" + scaling.type()
                    + "\" is not supported; use default, linear, dynamic, llama3 or yarn");
        };
    }

    /** 1 / base^(arange(0, dim, 2) / dim), in float32 as torch computes it. */
    private float[] plain(double base) {
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float pos = (float) Math.pow(base, exponent);
            inv[i] = 1.0f / pos;
        }
        return inv;
    }

    private float[] linear() {
        float[] inv = plain(config.ropeTheta());
        float factor = (float) scaling.factor();
        for (int i = 0; i < inv.length; i++) {
            inv[i] = inv[i] / factor;
        }
        return inv;
    }

    private float[] dynamic(int seqLen) {
        int maxPos = config.maxPositionEmbeddings();
        double factor = scaling.factor();
        long effective = Math.max(seqLen, maxPos);
        double base = config.ropeTheta()
                * Math.pow(factor * effective / maxPos - (factor - 1), (double) dim / (dim - 2));
        return plain(base);
    }

    private float[] llama3() {
        float[] inv = plain(config.ropeTheta());
        double factor = scaling.factor();
        double low = scaling.lowFreqFactor();
        double high = scaling.highFreqFactor();
        int oldContext = scaling.originalMaxPositionEmbeddings();
        float lowFreqWavelen = (float) (oldContext / low);
        float highFreqWavelen = (float) (oldContext / high);
        float twoPi = (float) (2 * Math.PI);
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            float wavelen = twoPi / inv[i];
            float scaled = wavelen > lowFreqWavelen ? inv[i] / (float) factor : inv[i];
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium) {
                float smooth = ((float) oldContext / wavelen - (float) low) / (float) (high - low);
                scaled = (1 - smooth) * scaled / (float) factor + smooth * scaled;
            }
            out[i] = scaled;
        }
        return out;
    }

    private float[] yarn() {
        double base = config.ropeTheta();
        float factor = (float) scaling.factor();
        int originalMax = scaling.originalMaxPositionEmbeddings();
        int low = (int) Math.max(Math.floor(correctionDim(scaling.betaFast(), base, originalMax)), 0);
        int high = (int) Math.min(Math.ceil(correctionDim(scaling.betaSlow(), base, originalMax)), dim - 1);
        double span = low == high ? high + 0.001 - low : high - low;
        float[] out = new float[dim / 2];
        for (int i = 0; i < out.length; i++) {
            float exponent = (float) (2 * i) / (float) dim;
            float pos = (float) Math.pow(base, exponent);
            float extrapolation = 1.0f / pos;
            float interpolation = 1.0f / (factor * pos);
            float ramp = Math.min(Math.max(((float) i - (float) low) / (float) span, 0f), 1f);
            float extrapolationFactor = 1 - ramp;
            out[i] = interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
        }
        return out;
    }

    /** Inverse of the rotation-count formula: which dimension makes numRotations turns over maxPos positions. */
    private double correctionDim(double numRotations, double base, int maxPos) {
        return (dim * Math.log(maxPos / (numRotations * 2 * Math.PI))) / (2 * Math.log(base));
    }

    private float computeAttentionScaling() {
        if (scaling == null || !scaling.type().equals("yarn")) {
            return 1.0f;
        }
        if (scaling.attentionFactor() != null) {
            return scaling.attentionFactor().floatValue();
        }
        double factor = scaling.factor();
        return factor <= 1 ? 1.0f : (float) (0.1 * Math.log(factor) + 1.0);
    }
}
