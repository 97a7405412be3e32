package dev.lorafoundry.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.util.List;

/**
 * The LoRA parameters as tensors for one micro-step: copies of the Java master weights in the step's manager (so they
 * die with it), optionally recording gradients, which are then added into the master gradient buffers.
 */
final class LoraTensors {

    private final LoraParameters parameters;
    private final NDArray[][] a;
    private final NDArray[][] b;
    private final double scale;

    LoraTensors(LoraParameters parameters, NDManager manager, DataType dataType, int numLayers, boolean requireGrad) {
        this.parameters = parameters;
        this.scale = parameters.scale();
        int kinds = ProjectionKind.values().length;
        this.a = new NDArray[numLayers][kinds];
        this.b = new NDArray[numLayers][kinds];
        for (LoraParameters.Projection p : parameters.projections()) {
            NDArray ta = create(manager, p.a(), new Shape(p.rank(), p.in()), dataType);
            NDArray tb = create(manager, p.b(), new Shape(p.out(), p.rank()), dataType);
            if (requireGrad) {
                ta.setRequiresGradient(true);
                tb.setRequiresGradient(true);
            }
            a[p.layer()][p.kind().ordinal()] = ta;
            b[p.layer()][p.kind().ordinal()] = tb;
        }
    }

    /** A float32 master copy as a tensor of {@code dataType} (float32 or float64), owned by {@code manager}. */
    static NDArray create(NDManager manager, float[] values, Shape shape, DataType dataType) {
        if (dataType == DataType.FLOAT32) {
            return manager.create(values, shape);
        }
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return manager.create(doubles, shape);
    }

    boolean adapts(int layer, ProjectionKind kind) {
        return a[layer][kind.ordinal()] != null;
    }

    NDArray a(int layer, ProjectionKind kind) {
        return a[layer][kind.ordinal()];
    }

    NDArray b(int layer, ProjectionKind kind) {
        return b[layer][kind.ordinal()];
    }

    double scale() {
        return scale;
    }

    /** Adds the gradients the backward pass left on the tensors into the parameters' gradient buffers. */
    void addGradientsTo(LoraParameters target) {
        List<LoraParameters.Projection> projections = target.projections();
        for (LoraParameters.Projection p : projections) {
            add(a[p.layer()][p.kind().ordinal()], p.gradA());
            add(b[p.layer()][p.kind().ordinal()], p.gradB());
        }
    }

    private static void add(NDArray tensor, float[] into) {
        NDArray gradient = tensor.getGradient();
        float[] values = gradient.getDataType() == DataType.FLOAT32 ? gradient.toFloatArray()
                : gradient.toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < into.length; i++) {
            into[i] += values[i];
        }
    }

    /** The gradients in float64 (gradient checks of a float64 forward). */
    double[] gradient(int layer, ProjectionKind kind, boolean ofA) {
        NDArray tensor = ofA ? a(layer, kind) : b(layer, kind);
        return tensor.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    }

    LoraParameters parameters() {
        return parameters;
    }
}
