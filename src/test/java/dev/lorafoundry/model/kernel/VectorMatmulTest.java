package dev.lorafoundry.model.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks VectorMatmul (over weights packed from mapped and off-heap buffers) against a double-precision scalar dot
 * product: with the native kernel for many rows (two threads) and with the Java kernels alone (three threads).
 */
class VectorMatmulTest {

    private static final int[] ROWS = {1, 3, 4, 5, 12, 16, 17};
    private static final int[] INS = {64, 67, 896};
    private static final int[] OUTS = {1, 7, 64, 65, 4864};
    /** Error allowed relative to sum |x*w|, the scale float rounding is proportional to. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    private static VectorMatmul twoThreads;
    private static VectorMatmul threeThreads;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void startPools() {
        twoThreads = new VectorMatmul(2, true);
        threeThreads = new VectorMatmul(3, false); // more threads than cores: uneven blocks, preempted workers
    }

    @AfterAll
    static void stopPools() {
        twoThreads.close();
        threeThreads.close();
    }

    @Test
    void vectorModuleIsPresentUnderTheTestFlags() {
        assertTrue(VectorMatmul.isAvailable(), "surefire runs with --add-modules jdk.incubator.vector");
    }

    @Test
    void theNativeKernelRunsWhereTheCpuHasAvx512() throws IOException {
        // What the CPU offers, read independently of the library's own check.
        Path cpuinfo = Path.of("/proc/cpuinfo");
        boolean avx512 = Files.exists(cpuinfo) && Files.readString(cpuinfo).lines()
                .filter(line -> line.startsWith("flags")).anyMatch(line -> line.contains(" avx512f"));
        boolean linuxAmd64 = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
        assertEquals(avx512 && linuxAmd64, twoThreads.usesNativeKernel(),
                "native kernel use; problem reported: " + twoThreads.nativeKernelProblem());
        assertFalse(threeThreads.usesNativeKernel());
        assertEquals("disabled", threeThreads.nativeKernelProblem());
    }

    @Test
    void nativeAndJavaKernelsGiveBitIdenticalResults() {
        // Same layout, same order of fused multiply-adds per output: not merely close, equal.
        Random random = new Random(8);
        int in = 896, out = 200;
        float[] w = randomFloats(random, out * in);
        ByteBuffer direct = offHeap(w);
        PackedWeights packed = PackedWeights.pack(direct, out, in, Arena.ofAuto());
        for (int rows : new int[] {12, 16, 29}) {
            float[] x = randomFloats(random, rows * in);
            float[] onNative = new float[rows * out];
            float[] onJava = new float[rows * out];
            twoThreads.multiply(x, rows, packed, onNative);
            threeThreads.multiply(x, rows, packed, onJava);
            assertArrayEquals(onJava, onNative, "rows=" + rows);
        }
    }

    @Test
    void matchesDoubleReferenceWithOffHeapWeights() {
        Random random = new Random(1);
        for (int in : INS) {
            for (int out : OUTS) {
                float[] w = randomFloats(random, out * in);
                ByteBuffer direct = offHeap(w);
                checkAllRowCounts(random, w, direct, in, out, "off-heap");
            }
        }
    }

    @Test
    void matchesDoubleReferenceWithMemoryMappedWeights() throws IOException {
        Random random = new Random(2);
        int header = 24; // the tensor starts mid-file, as in a safetensors file
        for (int in : INS) {
            for (int out : OUTS) {
                float[] w = randomFloats(random, out * in);
                Path file = tempDir.resolve("w_" + in + "_" + out + ".bin");
                ByteBuffer bytes = ByteBuffer.allocate(header + w.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                bytes.position(header);
                bytes.asFloatBuffer().put(w);
                Files.write(file, bytes.array());
                MappedByteBuffer mapped;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    mapped = channel.map(FileChannel.MapMode.READ_ONLY, header, (long) w.length * Float.BYTES);
                }
                checkAllRowCounts(random, w, mapped, in, out, "mapped");
            }
        }
    }

    @Test
    void everyRowCountFrom1To33MatchesWithOddShapes() {
        // Every way the rows split into panels of 4, 2 and 1, with inputs shorter than a vector, not a multiple
        // of it, or one element, and outputs that end inside a vector of outputs and inside a group of blocks.
        Random random = new Random(5);
        for (int in : new int[] {1, 15, 67}) {
            for (int out : new int[] {1, 7, 2051}) {
                float[] w = randomFloats(random, out * in);
                ByteBuffer direct = offHeap(w);
                for (int rows = 1; rows <= 33; rows++) {
                    checkRowCount(random, w, direct, in, out, rows, "off-heap");
                }
            }
        }
    }

    @Test
    void longInputsOverSeveralPanelsMatch() {
        // A long input (a block group larger than a core's cache) with row counts that take many panels.
        Random random = new Random(7);
        int in = 8197, out = 9;
        float[] w = randomFloats(random, out * in);
        ByteBuffer direct = offHeap(w);
        for (int rows : new int[] {11, 12, 13, 25, 26, 33}) {
            checkRowCount(random, w, direct, in, out, rows, "long input");
        }
    }

    @Test
    void aSmallerCallAfterALargerOneIgnoresTheLeftoverPacking() {
        Random random = new Random(6);
        int in = 96, out = 64;
        float[] w = randomFloats(random, out * in);
        ByteBuffer direct = offHeap(w);
        for (int rows : new int[] {33, 6, 17, 2, 1, 9}) {
            checkRowCount(random, w, direct, in, out, rows, "after other row counts");
        }
    }

    @Test
    void staleOutputIsOverwrittenAndExtraCapacityIsUntouched() {
        Random random = new Random(3);
        // 65 outputs: the last row ends one element into a vector of outputs (a masked store), padding follows.
        // 5 rows on the Java kernels, 16 on the native one.
        for (int out : new int[] {4864, 65}) {
            for (int rows : new int[] {5, 16}) {
                int in = 67;
                float[] w = randomFloats(random, out * in);
                ByteBuffer direct = offHeap(w);
                float[] x = randomFloats(random, rows * in);
                float[] y = new float[rows * out + 3];
                java.util.Arrays.fill(y, 123f);
                try (Arena arena = Arena.ofShared()) {
                    twoThreads.multiply(x, rows, PackedWeights.pack(direct, out, in, arena), y);
                }
                String what = "out=" + out + ", rows=" + rows;
                assertClose(reference(x, rows, in, w, out), y, rows, in, out, x, w, "stale output, " + what);
                for (int k = rows * out; k < y.length; k++) {
                    assertEquals(123f, y[k], "element " + k + " past rows*out must not be written (" + what + ")");
                }
            }
        }
    }

    @Test
    void thousandsOfBackToBackParallelCallsAllGiveTheReferenceResult() {
        // Exercises the round hand-off between caller and workers the way a decode step does: many quick calls.
        Random random = new Random(4);
        int in = 64, out = 4864;
        float[] w = randomFloats(random, out * in);
        ByteBuffer direct = offHeap(w);
        float[][] xs = {randomFloats(random, in), randomFloats(random, 4 * in)};
        int[] rowCounts = {1, 4};
        double[][] expected = {reference(xs[0], 1, in, w, out), reference(xs[1], 4, in, w, out)};
        PackedWeights packed = PackedWeights.pack(direct, out, in, Arena.ofAuto());
        for (int call = 0; call < 3000; call++) {
            int which = call % 2;
            float[] y = new float[rowCounts[which] * out];
            threeThreads.multiply(xs[which], rowCounts[which], packed, y);
            for (int k = 0; k < y.length; k++) {
                if (Math.abs(y[k] - expected[which][k]) > 1e-3) {
                    assertEquals(expected[which][k], y[k], 1e-3, "call " + call + " element " + k);
                }
            }
        }
    }

    @Test
    void badShapesAreRejectedWithTheNumbersThatDisagree() {
        ByteBuffer w = ByteBuffer.allocateDirect(7 * 64 * Float.BYTES);
        Arena arena = Arena.ofAuto();
        IllegalArgumentException tooSmallWeight = assertThrows(IllegalArgumentException.class,
                () -> PackedWeights.pack(w, 8, 64, arena));
        assertTrue(tooSmallWeight.getMessage().contains("8×64"), tooSmallWeight.getMessage());
        PackedWeights packed = PackedWeights.pack(w, 7, 64, arena);
        IllegalArgumentException shortX = assertThrows(IllegalArgumentException.class,
                () -> twoThreads.multiply(new float[100], 2, packed, new float[14]));
        assertTrue(shortX.getMessage().contains("rows*in"), shortX.getMessage());
        IllegalArgumentException shortY = assertThrows(IllegalArgumentException.class,
                () -> twoThreads.multiply(new float[128], 2, packed, new float[13]));
        assertTrue(shortY.getMessage().contains("rows*out"), shortY.getMessage());
    }

    @Test
    void isAvailableIsFalseAndLoadsNoVectorClassWithoutTheModule() throws Exception {
        // A separate JVM without --add-modules: the check must answer false instead of failing to link.
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                AvailabilityProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.endsWith("available=false"), output);
        assertFalse(output.contains("Exception"), output);
    }

    /** Entry point of the JVM started without the Vector API module. */
    static final class AvailabilityProbe {
        public static void main(String[] args) {
            System.out.println("available=" + VectorMatmul.isAvailable());
        }
    }

    private static void checkAllRowCounts(Random random, float[] w, ByteBuffer buffer, int in, int out, String storage) {
        for (int rows : ROWS) {
            checkRowCount(random, w, buffer, in, out, rows, storage);
        }
    }

    private static void checkRowCount(Random random, float[] w, ByteBuffer buffer, int in, int out, int rows,
                                      String storage) {
        float[] x = randomFloats(random, rows * in);
        double[] expected = reference(x, rows, in, w, out);
        PackedWeights packed = PackedWeights.pack(buffer, out, in, Arena.ofAuto());
        for (VectorMatmul matmul : List.of(twoThreads, threeThreads)) {
            float[] y = new float[rows * out];
            matmul.multiply(x, rows, packed, y);
            assertClose(expected, y, rows, in, out, x, w,
                    storage + " rows=" + rows + " in=" + in + " out=" + out + " threads=" + matmul.threads());
        }
    }

    /** W as little-endian f32 in a direct buffer, as PackedWeights.pack reads it from a loaded tensor. */
    private static ByteBuffer offHeap(float[] w) {
        ByteBuffer direct = ByteBuffer.allocateDirect(w.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        direct.asFloatBuffer().put(w);
        return direct;
    }

    /** The independent reference: a plain double-precision loop. */
    private static double[] reference(float[] x, int rows, int in, float[] w, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static void assertClose(double[] expected, float[] actual, int rows, int in, int out, float[] x,
            float[] w, String what) {
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double scale = 0;
                for (int i = 0; i < in; i++) {
                    scale += Math.abs((double) x[r * in + i] * w[o * in + i]);
                }
                double error = Math.abs(actual[r * out + o] - expected[r * out + o]);
                if (error > RELATIVE_TOLERANCE * scale + 1e-30 && failures.size() < 5) {
                    failures.add("y[" + r + "][" + o + "]=" + actual[r * out + o] + " expected " + expected[r * out + o]);
                }
            }
        }
        assertTrue(failures.isEmpty(), what + ": " + failures);
    }

    private static float[] randomFloats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
