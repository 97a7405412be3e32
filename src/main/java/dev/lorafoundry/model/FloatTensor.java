package dev.lorafoundry.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/** A float32 tensor in a direct little-endian ByteBuffer (position 0, capacity 4*numel). */
public record FloatTensor(String name, long[] shape, ByteBuffer data) {

    public FloatTensor {
        long expected = 4 * numel(shape);
        if (data.capacity() != expected) {
            throw new IllegalArgumentException("tensor " + name + " with shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes but its buffer holds " + data.capacity());
        }
    }

    /** Copies values into a new direct little-endian buffer. */
    public static FloatTensor of(String name, long[] shape, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return new FloatTensor(name, shape.clone(), buffer);
    }

    public long numel() {
        return numel(shape);
    }

    /** A little-endian float view from position 0 (ByteBuffer order is not inherited by views, so always go through here). */
    public FloatBuffer floats() {
        return data.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** Copies the values out (only for tensors below 2^31 elements). */
    public float[] toFloatArray() {
        float[] values = new float[Math.toIntExact(numel())];
        floats().get(values);
        return values;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    @Override
    public String toString() {
        return "FloatTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
