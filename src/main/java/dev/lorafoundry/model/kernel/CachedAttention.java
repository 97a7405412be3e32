package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one new token over its sequence's cached keys and values (grouped-query: each KV head serves
 * {@code heads / kvHeads} query heads), with Vector API dot products read straight from the cache memory.
 *
 * <p>At 16 rows per decode step the scalar loops this replaces cost a sizeable share of the step next to the
 * (then compute-bound) projections; here each score is a few FMAs and one lane reduction, and each context
 * vector is accumulated in registers.
 */
public final class CachedAttention {

    private static final VectorSpecies<Float> SPECIES = SegmentVectorLoads.SPECIES;
    private static final int LANES = SPECIES.length();

    private CachedAttention() {
    }

    /**
     * Adds softmax(q·Kᵀ·scale)·V of every query head of one token to {@code context}.
     *
     * @param q             the token's queries, {@code heads × headDim} from {@code qOffset}
     * @param keys          the cache's keys laid out [kvHead][capacity][headDim], native byte order, direct
     * @param values        the cache's values, same layout
     * @param capacity      positions per KV head in the cache
     * @param length        positions to attend over: 0..length-1
     * @param context       receives {@code heads × headDim} from {@code contextOffset} (added to what is there)
     */
    public static void attend(float[] q, int qOffset, int heads, int kvHeads, int headDim, FloatBuffer keys,
                              FloatBuffer values, int capacity, int length, float scale, float[] context,
                              int contextOffset) {
        MemorySegment keyMemory = MemorySegment.ofBuffer(keys.duplicate().clear());
        MemorySegment valueMemory = MemorySegment.ofBuffer(values.duplicate().clear());
        int group = heads / kvHeads;
        float[] scores = new float[length];
        for (int head = 0; head < heads; head++) {
            long cacheBase = (long) (head / group) * capacity * headDim;
            int query = qOffset + head * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                float score = dot(q, query, keyMemory, cacheBase + (long) j * headDim, headDim) * scale;
                scores[j] = score;
                max = Math.max(max, score);
            }
            float inverse = 1f / exponentiate(scores, length, max);
            for (int j = 0; j < length; j++) {
                scores[j] *= inverse;
            }
            accumulate(scores, length, valueMemory, cacheBase, headDim, context, contextOffset + head * headDim);
        }
    }

    /**
     * scores[j] = exp(scores[j] − max) for j < length, returning their sum. Vector EXP (SVML on x86): at 16 rows a step,
     * scalar Math.exp here took ~4 ms of a ~65 ms decode step.
     */
    private static float exponentiate(float[] scores, int length, float max) {
        FloatVector shift = FloatVector.broadcast(SPECIES, max);
        FloatVector sums = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(length);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector e = FloatVector.fromArray(SPECIES, scores, j).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(scores, j);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; j < length; j++) {
            float e = (float) Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
        }
        return sum;
    }

    /** q[query..query+headDim) · the cached vector starting at element {@code cached}. */
    private static float dot(float[] q, int query, MemorySegment cache, long cached, int headDim) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(headDim);
        int d = 0;
        for (; d < bound; d += LANES) {
            acc = FloatVector.fromArray(SPECIES, q, query + d).fma(load(cache, cached + d), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; d < headDim; d++) {
            s += q[query + d] * cache.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, cached + d);
        }
        return s;
    }

    /** context[out..out+headDim) += Σ_j weights[j] · V[j]. */
    private static void accumulate(float[] weights, int length, MemorySegment cache, long cacheBase,
                                   int headDim, float[] context, int out) {
        int bound = SPECIES.loopBound(headDim);
        int d = 0;
        for (; d < bound; d += LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < length; j++) {
                acc = load(cache, cacheBase + (long) j * headDim + d).fma(FloatVector.broadcast(SPECIES, weights[j]), acc);
            }
            acc.add(FloatVector.fromArray(SPECIES, context, out + d)).intoArray(context, out + d);
        }
        for (; d < headDim; d++) {
            float s = 0;
            for (int j = 0; j < length; j++) {
                s += weights[j] * cache.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, cacheBase + (long) j * headDim + d);
            }
            context[out + d] += s;
        }
    }

    private static FloatVector load(MemorySegment cache, long element) {
        return FloatVector.fromMemorySegment(SPECIES, cache, element * Float.BYTES, ByteOrder.nativeOrder());
    }
}
