package dev.lorafoundry.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Keys and values of one sequence for every layer, preallocated to the sequence's maximum length. The memory is Java's
 * (direct buffers) and libtorch wraps it without copying, so both the DJL path and the Java decode path read and
 * write the same cache.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final FloatBuffer[] keyFloats;
    private final FloatBuffer[] valueFloats;
    private final int capacity;

    /** Allocates [kvHeads, capacity, headDim] per layer for keys and for values. */
    public KvCache(NDManager parent, ModelConfig config, int capacity) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        int layers = config.numLayers();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.keyFloats = new FloatBuffer[layers];
        this.valueFloats = new FloatBuffer[layers];
        Shape shape = new Shape(config.numKvHeads(), capacity, config.headDim());
        int bytes = Math.toIntExact(shape.size() * Float.BYTES);
        for (int layer = 0; layer < layers; layer++) {
            ByteBuffer k = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            ByteBuffer v = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            keys[layer] = manager.create(k, shape, DataType.FLOAT32);
            values[layer] = manager.create(v, shape, DataType.FLOAT32);
            keyFloats[layer] = k.asFloatBuffer();
            valueFloats[layer] = v.asFloatBuffer();
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

    /** The keys of a layer as floats laid out [kvHead][position][headDim]. */
    FloatBuffer keyFloats(int layer) {
        return keyFloats[layer];
    }

    FloatBuffer valueFloats(int layer) {
        return valueFloats[layer];
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
