package dev.lorafoundry.model.lora;

/**
 * One adapted projection in the layout the engine multiplies with: A row-major [rank × in] for the shrink (dot
 * products with the input), B transposed [rank × out] for the expand (scaled rows added into the output).
 *
 * @param doraScale DoRA's m / ‖W + scale·B·A‖ per output feature, or null for plain LoRA
 */
public record PreparedProjection(int rank, int in, int out, float[] a, float[] bT, float scale, float[] doraScale) {}
