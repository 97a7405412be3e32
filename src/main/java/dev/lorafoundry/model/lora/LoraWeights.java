package dev.lorafoundry.model.lora;

/**
 * All of one adapter's weights, by decoder layer and projection; a null entry means that projection is not adapted.
 *
 * @param projections [layer][{@link ProjectionKind#ordinal()}]
 */
public record LoraWeights(LoraProjection[][] projections) {

    public LoraProjection projection(int layer, ProjectionKind kind) {
        return projections[layer][kind.ordinal()];
    }

    public int numLayers() {
        return projections.length;
    }

    /** The largest rank of any projection. */
    public int maxRank() {
        int max = 0;
        for (LoraProjection[] layer : projections) {
            for (LoraProjection p : layer) {
                if (p != null) {
                    max = Math.max(max, p.rank());
                }
            }
        }
        return max;
    }

    public long sizeBytes() {
        long total = 0;
        for (LoraProjection[] layer : projections) {
            for (LoraProjection p : layer) {
                if (p != null) {
                    total += p.sizeBytes();
                }
            }
        }
        return total;
    }
}
