package dev.lorafoundry.bench;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** A SIMD streaming sum, so the bandwidth measurement is limited by memory and not by scalar adds. */
final class VectorSum {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static double sum(FloatBuffer data, int from, int to) {
        MemorySegment segment = MemorySegment.ofBuffer(data);
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int step = SPECIES.length();
        int i = from;
        for (; i + 2 * step <= to; i += 2 * step) {
            acc0 = acc0.add(FloatVector.fromMemorySegment(SPECIES, segment, (long) i * 4, ByteOrder.nativeOrder()));
            acc1 = acc1.add(FloatVector.fromMemorySegment(SPECIES, segment, (long) (i + step) * 4, ByteOrder.nativeOrder()));
        }
        double total = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            total += data.get(i);
        }
        return total;
    }
}
