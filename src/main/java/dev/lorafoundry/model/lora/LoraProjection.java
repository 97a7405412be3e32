package dev.lorafoundry.model.lora;

/**
 * One adapted projection, PEFT semantics: {@code y = W·x + b + scale·B·(A·x)}; with DoRA ({@code magnitude} set)
 * {@code y = b + m/‖W + scale·B·A‖ ⊙ (W·x + scale·B·A·x)}, the norm taken per output row.
 *
 * @param rank      r of this projection (after {@code rank_pattern})
 * @param in        input features (A's columns)
 * @param out       output features (B's rows)
 * @param a         lora_A, row-major [rank × in]
 * @param b         lora_B, row-major [out × rank]
 * @param scale     alpha/r, or alpha/√r with rsLoRA (after {@code alpha_pattern})
 * @param magnitude DoRA's magnitude vector [out], or null for plain LoRA
 */
public record LoraProjection(int rank, int in, int out, float[] a, float[] b, float scale, float[] magnitude) {

    public boolean dora() {
        return magnitude != null;
    }

    /** Bytes these weights take in memory. */
    public long sizeBytes() {
        return 4L * (a.length + b.length + (magnitude == null ? 0 : magnitude.length));
    }
}
