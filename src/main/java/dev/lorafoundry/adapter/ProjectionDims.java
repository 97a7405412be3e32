package dev.lorafoundry.adapter;

import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.ProjectionKind;

/** Input and output widths of one projection of a base model: lora_A is [r × in], lora_B [out × r]. */
public record ProjectionDims(int in, int out) {

    public static ProjectionDims of(ModelConfig model, ProjectionKind kind) {
        return switch (kind) {
            case Q -> new ProjectionDims(model.hiddenSize(), model.queryDim());
            case K, V -> new ProjectionDims(model.hiddenSize(), model.kvDim());
            case O -> new ProjectionDims(model.queryDim(), model.hiddenSize());
            case GATE, UP -> new ProjectionDims(model.hiddenSize(), model.intermediateSize());
            case DOWN -> new ProjectionDims(model.intermediateSize(), model.hiddenSize());
        };
    }
}
