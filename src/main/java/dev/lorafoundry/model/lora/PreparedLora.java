package dev.lorafoundry.model.lora;

/**
 * An adapter ready to run on the engine: its projections in execution layout, by [layer][{@link ProjectionKind}].
 *
 * @param name      the adapter's name (the engine's residency key)
 * @param sizeBytes memory the prepared weights take
 */
public record PreparedLora(String name, PreparedProjection[][] projections, long sizeBytes) {

    public PreparedProjection projection(int layer, ProjectionKind kind) {
        return projections[layer][kind.ordinal()];
    }
}
