package dev.lorafoundry.model;

/**
 * The shape, format and seed of a random-weight model folder. headDim null = hiddenSize/numHeads (Qwen3 always writes
 * it); dtype is F32, BF16 or F16; ropeScaling null = default rope; ropeTheta is 10000.
 */
public record RandomModelSpec(String name, String architecture, int hiddenSize, int intermediateSize, int numLayers,
        int numHeads, int numKvHeads, Integer headDim, int vocabSize, boolean tieWordEmbeddings, String dtype, int shards,
        RopeScaling ropeScaling, int maxPositionEmbeddings, long seed, double initStd) {

    public int effectiveHeadDim() {
        return headDim != null ? headDim : hiddenSize / numHeads;
    }
}
