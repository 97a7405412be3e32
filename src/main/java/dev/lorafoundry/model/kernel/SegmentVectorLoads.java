package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loads of little-endian floats from native memory (the packed weights, the KV cache), at the widest vector
 * length the CPU has.
 */
final class SegmentVectorLoads {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private SegmentVectorLoads() {
    }

    /** One vector of little-endian floats starting at the byte offset. */
    static FloatVector load(MemorySegment segment, long byteOffset) {
        return FloatVector.fromMemorySegment(SPECIES, segment, byteOffset, ByteOrder.LITTLE_ENDIAN);
    }
}
