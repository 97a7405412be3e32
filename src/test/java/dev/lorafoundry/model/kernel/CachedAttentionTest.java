package dev.lorafoundry.model.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks CachedAttention against a plain double-precision softmax attention, for GQA groups and odd head sizes. */
class CachedAttentionTest {

    @Test
    void matchesDoubleReferenceForGroupedHeadsAndOddHeadSizes() {
        Random random = new Random(11);
        int[][] shapes = {{14, 2, 64}, {4, 4, 16}, {6, 3, 20}, {2, 1, 7}, {8, 2, 128}};
        for (int[] shape : shapes) {
            int heads = shape[0], kvHeads = shape[1], headDim = shape[2];
            int capacity = 40;
            for (int length : new int[] {1, 2, 17, capacity}) {
                check(random, heads, kvHeads, headDim, capacity, length);
            }
        }
    }

    private static void check(Random random, int heads, int kvHeads, int headDim, int capacity, int length) {
        FloatBuffer keys = cache(random, kvHeads * capacity * headDim);
        FloatBuffer values = cache(random, kvHeads * capacity * headDim);
        int qOffset = 5;
        float[] q = new float[qOffset + heads * headDim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (random.nextGaussian() * 2);
        }
        int contextOffset = 3;
        float[] context = new float[contextOffset + heads * headDim + 2];
        java.util.Arrays.fill(context, 0.5f); // attend adds to what is there
        float scale = (float) (1 / Math.sqrt(headDim));
        CachedAttention.attend(q, qOffset, heads, kvHeads, headDim, keys, values, capacity, length, scale, context,
                contextOffset);

        int group = heads / kvHeads;
        for (int head = 0; head < heads; head++) {
            int kv = head / group;
            double[] scores = new double[length];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                double dot = 0;
                for (int d = 0; d < headDim; d++) {
                    dot += (double) q[qOffset + head * headDim + d] * keys.get((kv * capacity + j) * headDim + d);
                }
                scores[j] = dot * scale;
                max = Math.max(max, scores[j]);
            }
            double sum = 0;
            for (int j = 0; j < length; j++) {
                scores[j] = Math.exp(scores[j] - max);
                sum += scores[j];
            }
            for (int d = 0; d < headDim; d++) {
                double expected = 0.5;
                for (int j = 0; j < length; j++) {
                    expected += scores[j] / sum * values.get((kv * capacity + j) * headDim + d);
                }
                assertEquals(expected, context[contextOffset + head * headDim + d], 1e-4,
                        "heads=" + heads + " kvHeads=" + kvHeads + " headDim=" + headDim + " length=" + length
                                + " head=" + head + " d=" + d);
            }
        }
        assertEquals(0.5f, context[0], "elements before the context offset are untouched");
        assertEquals(0.5f, context[context.length - 1], "elements after the heads are untouched");
    }

    /** A direct native-order buffer, like KvCache's. */
    private static FloatBuffer cache(Random random, int n) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            buffer.put(i, (float) random.nextGaussian());
        }
        return buffer;
    }
}
