package dev.lorafoundry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Keys and values of one sequence for every layer, preallocated to the sequence's maximum length. */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;

    /** Allocates [kvHeads, capacity, headDim] per layer for keys and for values. */
    public KvCache(NDManager parent, ModelConfig config, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.numLayers()];
        this.values = new NDArray[config.numLayers()];
        Shape shape = new Shape(config.numKvHeads(), capacity, config.headDim());
        for (int layer = 0; layer < config.numLayers(); layer++) {
            keys[layer] = manager.zeros(shape, DataType.FLOAT32);
            values[layer] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    public int capacity() {
        return capacity;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Bytes held by this cache. */
    public long bytes() {
        return 2L * keys.length * keys[0].getShape().size() * Float.BYTES;
    }

    @Override
    public void close() {
        manager.close();
    }
}
