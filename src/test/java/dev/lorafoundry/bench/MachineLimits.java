package dev.lorafoundry.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/** Measures this machine's physical limits in the same run as a benchmark: memory bandwidth and fp32 matmul peak. */
record MachineLimits(double memoryBandwidthGBs, double matmulPeakGflops) {

    static MachineLimits measure() {
        return new MachineLimits(memoryBandwidth(), matmulPeak());
    }

    /** Best of several parallel streaming reads over 1 GiB, split across all cores. */
    private static double memoryBandwidth() {
        int floats = 256 << 20;
        ByteBuffer buffer = ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder());
        FloatBuffer all = buffer.asFloatBuffer();
        for (int i = 0; i < floats; i++) {
            all.put(i, i & 1023);
        }
        int threads = Runtime.getRuntime().availableProcessors();
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long start = System.nanoTime();
            double[] sums = new double[threads];
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = new Thread(() -> sums[id] = sumRange(all, (long) floats * id / threads, (long) floats * (id + 1) / threads));
                workers[t].start();
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, floats * 4.0 / seconds / 1e9);
        }
        return best;
    }

    private static double sumRange(FloatBuffer data, long from, long to) {
        if (VectorSum.available()) {
            return VectorSum.sum(data, (int) from, (int) to);
        }
        float a = 0, b = 0, c = 0, d = 0;
        int i = (int) from;
        for (; i + 3 < to; i += 4) {
            a += data.get(i);
            b += data.get(i + 1);
            c += data.get(i + 2);
            d += data.get(i + 3);
        }
        return a + b + c + d;
    }

    /** libtorch fp32 GEMM on large squares: the compute ceiling prefill and training are held to. */
    private static double matmulPeak() {
        int n = 2048;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            double best = 0;
            for (int rep = 0; rep < 5; rep++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9);
            }
            return best;
        }
    }
}
