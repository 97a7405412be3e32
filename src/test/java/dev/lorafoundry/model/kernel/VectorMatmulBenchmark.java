package dev.lorafoundry.model.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Prints VectorMatmul's speed beside libtorch (through DJL) on the Qwen2.5-0.5B decode shapes, and the
 * machine's memory bandwidth measured in the same run. Not part of the default test run (the name does not
 * end in Test); run it with {@code mvn -o test -Dtest=VectorMatmulBenchmark}. It asserts nothing.
 *
 * <p>Small matrices would stay in cache between calls and look faster than memory allows, so each shape is
 * stored as many copies filling ≥ 1 GiB and every call reads the next copy, as a decode step streams
 * ~500 MB of distinct weights.
 */
class VectorMatmulBenchmark {

    private static final int[][] SHAPES = {{896, 4864}, {4864, 896}, {896, 896}, {896, 151936}};
    private static final long WEIGHT_POOL_BYTES = 1L << 30;
    private static final double SECONDS_PER_MEASUREMENT = 1.0;

    /** Runs the benchmark outside JUnit (same JVM flags as surefire: --add-modules jdk.incubator.vector). */
    public static void main(String[] args) throws Exception {
        new VectorMatmulBenchmark().printDecodeShapeTable();
    }

    @Test
    void printDecodeShapeTable() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        double bandwidth = measureMemoryBandwidthGBps(threads);
        System.out.printf("%nmemory read bandwidth (Vector API sum of a 1 GiB array, %d threads): %.1f GB/s%n",
                threads, bandwidth);
        System.out.printf("vector species: %s%n%n", FloatVector.SPECIES_PREFERRED);
        System.out.printf("%-12s %4s | %10s %12s %7s | %10s %12s %7s | %s%n", "in->out", "rows",
                "java us", "java rate", "%bw", "torch us", "torch rate", "%bw", "java/torch");
        try (VectorMatmul matmul = new VectorMatmul(threads); NDManager manager = NDManager.newBaseManager()) {
            for (int[] shape : SHAPES) {
                benchmarkShape(matmul, manager, shape[0], shape[1], bandwidth);
            }
        }
        System.out.println("rate: GFLOP/s (2*rows*in*out); %bw: weight bytes read per second over the measured"
                + " bandwidth (what bounds rows=1)");
    }

    private static void benchmarkShape(VectorMatmul matmul, NDManager manager, int in, int out, double bandwidth) {
        long matrixBytes = (long) in * out * Float.BYTES;
        int copies = (int) Math.max(1, WEIGHT_POOL_BYTES / matrixBytes);
        ByteBuffer pool = ByteBuffer.allocateDirect((int) (matrixBytes * copies)).order(ByteOrder.LITTLE_ENDIAN);
        fillRandom(pool.asFloatBuffer(), new Random(in * 31L + out));
        List<PackedWeights> weights = new ArrayList<>();
        List<NDArray> transposedWeights = new ArrayList<>();
        try (NDManager shapeManager = manager.newSubManager(); Arena arena = Arena.ofShared()) {
            for (int c = 0; c < copies; c++) {
                ByteBuffer slice = pool.slice((int) (c * matrixBytes), (int) matrixBytes).order(ByteOrder.LITTLE_ENDIAN);
                weights.add(PackedWeights.pack(slice, out, in, arena));
                transposedWeights.add(shapeManager.create(slice, new Shape(out, in), DataType.FLOAT32).transpose());
            }
            for (int rows : new int[] {1, 4, 16}) {
                float[] x = new float[rows * in];
                fillRandom(FloatBuffer.wrap(x), new Random(rows));
                float[] y = new float[rows * out];
                NDArray xNd = shapeManager.create(x, new Shape(rows, in));
                int[] next = {0};
                double javaSeconds = secondsPerCall(() -> {
                    matmul.multiply(x, rows, weights.get(next[0]++ % copies), y);
                });
                double torchSeconds = secondsPerCall(() -> {
                    try (NDArray result = xNd.matMul(transposedWeights.get(next[0]++ % copies))) {
                        result.getShape(); // the product is computed eagerly; the result is freed at once
                    }
                });
                String javaRate = rate(rows, in, out, javaSeconds);
                String torchRate = rate(rows, in, out, torchSeconds);
                System.out.printf("%-12s %4d | %10.1f %12s %6.0f%% | %10.1f %12s %6.0f%% | %.2fx%n",
                        in + "->" + out, rows, javaSeconds * 1e6, javaRate,
                        100 * matrixBytes / javaSeconds / 1e9 / bandwidth, torchSeconds * 1e6, torchRate,
                        100 * matrixBytes / torchSeconds / 1e9 / bandwidth, torchSeconds / javaSeconds);
            }
        }
    }

    private static String rate(int rows, int in, int out, double seconds) {
        return String.format("%.1f GFLOP/s", 2.0 * rows * in * out / seconds / 1e9);
    }

    /** Mean seconds per call after a warm-up, over about {@link #SECONDS_PER_MEASUREMENT}. */
    private static double secondsPerCall(Runnable call) {
        long warmUpEnd = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            call.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (SECONDS_PER_MEASUREMENT * 1e9);
        int calls = 0;
        long now;
        do {
            call.run();
            calls++;
            now = System.nanoTime();
        } while (now < end || calls < 5);
        return (now - start) / 1e9 / calls;
    }

    /** Best of several passes summing a 1 GiB array split across the threads. */
    private static double measureMemoryBandwidthGBps(int threads) throws Exception {
        float[] data = new float[1 << 28];
        fillRandom(FloatBuffer.wrap(data), new Random(7));
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int pass = 0; pass < 6; pass++) {
                long start = System.nanoTime();
                List<Future<Float>> sums = new ArrayList<>();
                int chunk = data.length / threads;
                for (int t = 0; t < threads; t++) {
                    int from = t * chunk;
                    sums.add(executor.submit(() -> vectorSum(data, from, from + chunk)));
                }
                float total = 0;
                for (Future<Float> sum : sums) {
                    total += sum.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (Float.isNaN(total)) {
                    System.out.println("(sum was NaN)"); // keeps the sum alive
                }
                best = Math.max(best, (double) data.length * Float.BYTES / seconds / 1e9);
            }
            return best;
        } finally {
            executor.shutdown();
        }
    }

    private static float vectorSum(float[] data, int from, int to) {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        int step = species.length();
        FloatVector a0 = FloatVector.zero(species), a1 = a0, a2 = a0, a3 = a0;
        int i = from;
        for (; i + 4 * step <= to; i += 4 * step) {
            a0 = a0.add(FloatVector.fromArray(species, data, i));
            a1 = a1.add(FloatVector.fromArray(species, data, i + step));
            a2 = a2.add(FloatVector.fromArray(species, data, i + 2 * step));
            a3 = a3.add(FloatVector.fromArray(species, data, i + 3 * step));
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            sum += data[i];
        }
        return sum;
    }

    private static void fillRandom(FloatBuffer target, Random random) {
        float[] chunk = new float[1 << 16];
        while (target.hasRemaining()) {
            int n = Math.min(chunk.length, target.remaining());
            for (int i = 0; i < n; i++) {
                chunk[i] = (float) (random.nextGaussian() * 0.05);
            }
            target.put(chunk, 0, n);
        }
    }
}
