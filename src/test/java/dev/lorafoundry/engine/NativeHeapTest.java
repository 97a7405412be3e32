package dev.lorafoundry.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lorafoundry.testsupport.ChildJvm;
import dev.lorafoundry.testsupport.ResidentMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the training tunables, memory libtorch frees stays in the process (so the next step needs no page faults), and
 * {@link NativeHeap#releaseFreeMemory()} gives it back; without them, start-up says how to set them.
 */
class NativeHeapTest {

    private static final long TENSOR_BYTES = 128L << 20;
    private static final int TENSORS = 8;

    @Test
    void adviceNamesTheMissingSettingsOnlyWhenTheyAreMissing() {
        assertTrue(NativeHeap.tuningAdvice(NativeHeap.TUNABLES).isEmpty());
        for (String unset : new String[] {null, "", "glibc.malloc.hugetlb=1"}) {
            String advice = NativeHeap.tuningAdvice(unset).orElseThrow();
            assertTrue(advice.contains("export GLIBC_TUNABLES=" + NativeHeap.TUNABLES), advice);
        }
    }

    /** Runs in a JVM of its own: GLIBC_TUNABLES is read once, when the process starts. */
    @Test
    void freedTensorsStayResidentUntilReleased() throws Exception {
        ChildJvm.runMain(NativeHeapTest.class, Map.of("GLIBC_TUNABLES", NativeHeap.TUNABLES), 120);
    }

    /** The measurement: 1 GiB of tensors written and freed, resident memory read before and after the release. */
    public static void main(String[] args) throws Exception {
        long before = ResidentMemory.currentBytes();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> arrays = new ArrayList<>();
            for (int i = 0; i < TENSORS; i++) {
                arrays.add(manager.ones(new Shape(TENSOR_BYTES / Float.BYTES)));
            }
            arrays.forEach(NDArray::close);
        }
        long freed = ResidentMemory.currentBytes();
        boolean called = NativeHeap.releaseFreeMemory();
        long released = ResidentMemory.currentBytes();
        long total = TENSORS * TENSOR_BYTES;
        System.out.printf("resident: %.0f MB before, %.0f MB after freeing %d MB of tensors, %.0f MB after release%n",
                before / 1e6, freed / 1e6, total >> 20, released / 1e6);
        boolean kept = freed - before > total * 3 / 4;
        boolean givenBack = freed - released > total * 3 / 4;
        if (!called || !kept || !givenBack) {
            System.out.println("expected the freed tensors to stay resident (" + kept + ") and the release to return"
                    + " them (called " + called + ", returned " + givenBack + ")");
            System.exit(1);
        }
        System.exit(0);
    }
}
