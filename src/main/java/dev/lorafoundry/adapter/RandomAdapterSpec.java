package dev.lorafoundry.adapter;

import java.util.List;
import java.util.Map;

/**
 * The config, format and seed of a random PEFT LoRA adapter for some base model.
 *
 * @param targetModules     target_modules as a list of names, or null when targetRegex is given
 * @param targetRegex       target_modules as a string (a regex, or "all-linear"), or null when targetModules is given
 * @param rankPattern       rank_pattern (may be null or empty)
 * @param alphaPattern      alpha_pattern (may be null or empty)
 * @param layersToTransform layers_to_transform (null: all layers)
 * @param dtype             F32, BF16 or F16
 * @param deltaStd          the standard deviation of {@code scale·B·A·x} per output for a unit-variance input x: how
 *                          strongly the adapter moves each projection (the base projections of a model with
 *                          initStd σ and width n give about σ·√n)
 */
public record RandomAdapterSpec(String name, int rank, double alpha, List<String> targetModules, String targetRegex,
        boolean useRslora, boolean useDora, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern,
        List<Integer> layersToTransform, String dtype, long seed, double deltaStd) {

    /** Rank r, alpha 2r, the given target list, F32, no patterns: the common case. */
    public static RandomAdapterSpec simple(String name, int rank, List<String> targets, long seed) {
        return new RandomAdapterSpec(name, rank, 2.0 * rank, targets, null, false, false, null, null, null, "F32", seed,
                0.3);
    }
}
