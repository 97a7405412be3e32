package dev.lorafoundry.model;

import java.nio.file.Path;
import java.util.Arrays;

/** One tensor's entry in a safetensors header: its dtype, shape and the file that holds it. */
public record TensorInfo(String name, String dtype, long[] shape, Path file) {

    public long numel() {
        return FloatTensor.numel(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " in " + file;
    }
}
