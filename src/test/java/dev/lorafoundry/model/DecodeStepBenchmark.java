package dev.lorafoundry.model;

import ai.djl.ndarray.NDManager;
import dev.lorafoundry.model.kernel.PackedWeights;
import dev.lorafoundry.model.kernel.VectorMatmul;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One decode step of the Qwen2.5-0.5B-shaped bench model (the one DecodeBenchmark writes) at 1 and at 16 rows,
 * split into the projections alone (the same matmuls over weights packed as the model packs them) and the whole step, so what the
 * step spends outside the kernel shows; the projections are timed on the Java kernel alone too, beside the native one.
 * Variants run interleaved and medians are printed: the machine is shared.
 * With {@code -Dthreads=1} the kernel runs on the calling thread alone and times are that thread's CPU time, which
 * other processes on a busy machine barely disturb (useful to compare code versions, not for absolute speed).
 * Run with {@code bin/bench -Dtest=DecodeStepBenchmark}; asserts nothing.
 */
class DecodeStepBenchmark {

    private static final Path MODEL = Path.of("target/bench-models/qwen2.5-0.5b-shape");
    private static final RandomModelSpec SPEC = new RandomModelSpec("qwen2.5-0.5b-shape", "Qwen2ForCausalLM", 896,
            4864, 24, 14, 2, null, 151936, true, "F32", 1, null, 32768, 1L, 0.02);
    private static final int[] ROW_COUNTS = {1, 16};
    private static final int ROUNDS = 15;
    private static final int STEPS_PER_ROUND = 3;
    private static final int FIRST_POSITION = 16;
    private static final int THREADS = Integer.getInteger("threads", 0);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void run() {
        if (!Files.exists(MODEL.resolve("config.json"))) {
            System.out.println("writing " + MODEL + " ...");
            RandomModelWriter.write(SPEC, MODEL);
        }
        ModelConfig config = ModelConfig.read(MODEL);
        try (NDManager manager = NDManager.newBaseManager();
             VectorMatmul kernel = new VectorMatmul(THREADS);
             VectorMatmul javaKernel = new VectorMatmul(THREADS, false);
             SafetensorsReader reader = SafetensorsReader.open(MODEL);
             Arena arena = Arena.ofShared()) {
            LlamaModel model = LlamaModel.load(MODEL, config, manager, kernel, 32);
            List<Projection> projections = projections(config, reader, arena);
            List<KvCache> caches = new ArrayList<>();
            for (int r = 0; r < 16; r++) {
                caches.add(model.newCache(FIRST_POSITION + ROUNDS * STEPS_PER_ROUND * 2 + 8));
            }
            double[][] stepSeconds = new double[ROW_COUNTS.length][ROUNDS];
            double[][] kernelSeconds = new double[ROW_COUNTS.length][ROUNDS];
            double[][] javaKernelSeconds = new double[ROW_COUNTS.length][ROUNDS];
            int position = FIRST_POSITION;
            for (int round = -1; round < ROUNDS; round++) { // round -1 warms up
                for (int c = 0; c < ROW_COUNTS.length; c++) {
                    int rows = ROW_COUNTS[c];
                    double projectionsOnly = 0;
                    double onJavaKernel = 0;
                    for (int s = 0; s < STEPS_PER_ROUND; s++) {
                        projectionsOnly += projectionSeconds(kernel, projections, rows) / STEPS_PER_ROUND;
                        onJavaKernel += projectionSeconds(javaKernel, projections, rows) / STEPS_PER_ROUND;
                    }
                    long start = now();
                    for (int s = 0; s < STEPS_PER_ROUND; s++) {
                        model.forward(decodeStep(caches, rows, position + s));
                    }
                    double step = (now() - start) / 1e9 / STEPS_PER_ROUND;
                    if (round >= 0) {
                        stepSeconds[c][round] = step;
                        kernelSeconds[c][round] = projectionsOnly;
                        javaKernelSeconds[c][round] = onJavaKernel;
                    }
                }
                position += STEPS_PER_ROUND;
            }
            double flopsPerRow = 0;
            for (Projection p : projections) {
                flopsPerRow += 2.0 * p.in() * p.out();
            }
            System.out.printf("%nVectorMatmul threads: %d (%s); %d rounds of %d steps, interleaved%n", kernel.threads(),
                    THREADS == 1 ? "CPU time of the calling thread" : "wall-clock time", ROUNDS, STEPS_PER_ROUND);
            for (String statistic : List.of("median", "best")) {
                double singleTokensPerSecond = 0;
                for (int c = 0; c < ROW_COUNTS.length; c++) {
                    int rows = ROW_COUNTS[c];
                    double step = statistic.equals("best") ? min(stepSeconds[c]) : median(stepSeconds[c]);
                    double projectionsOnly = statistic.equals("best") ? min(kernelSeconds[c]) : median(kernelSeconds[c]);
                    double tokensPerSecond = rows / step;
                    if (rows == 1) {
                        singleTokensPerSecond = tokensPerSecond;
                    }
                    System.out.printf("%-6s rows %2d: step %7.1f ms (%6.1f tokens/s, %.2f× 1 row) | projections alone"
                                    + " %7.1f ms = %5.1f GFLOP/s, %4.1f GB/s | rest of the step %6.1f ms%n",
                            statistic, rows, step * 1e3, tokensPerSecond, tokensPerSecond / singleTokensPerSecond,
                            projectionsOnly * 1e3, rows * flopsPerRow / projectionsOnly / 1e9,
                            flopsPerRow * 2 / projectionsOnly / 1e9, (step - projectionsOnly) * 1e3);
                }
            }
            // The same projections on the Java kernel alone, timed in the same rounds: what the native kernel adds
            // (it takes steps of VectorMatmul.NATIVE_MIN_ROWS rows or more; fewer rows run the Java kernel either way).
            System.out.printf("native kernel: %s%n", kernel.usesNativeKernel() ? "used" : kernel.nativeKernelProblem());
            for (int c = 0; c < ROW_COUNTS.length; c++) {
                System.out.printf("rows %2d, projections alone, median: %.1f ms as the service runs them, %.1f ms on the"
                                + " Java kernel alone; best %.1f vs %.1f ms%n", ROW_COUNTS[c],
                        median(kernelSeconds[c]) * 1e3, median(javaKernelSeconds[c]) * 1e3,
                        min(kernelSeconds[c]) * 1e3, min(javaKernelSeconds[c]) * 1e3);
            }
            for (KvCache cache : caches) {
                cache.close();
            }
            model.close();
        }
    }

    /** One projection of a decode step, packed from the model's mapped weight as the model packs it. */
    private record Projection(PackedWeights weight, int in, int out) {}

    private static List<Projection> projections(ModelConfig c, SafetensorsReader reader, Arena arena) {
        List<Projection> list = new ArrayList<>();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            for (String name : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")) {
                FloatTensor t = reader.readF32("model.layers." + layer + "." + name + ".weight");
                int in = (int) t.shape()[1];
                int out = (int) t.shape()[0];
                list.add(new Projection(PackedWeights.pack(t.data(), out, in, arena), in, out));
            }
        }
        FloatTensor head = reader.readF32(reader.contains("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight");
        int hidden = (int) head.shape()[1];
        int vocab = (int) head.shape()[0];
        list.add(new Projection(PackedWeights.pack(head.data(), vocab, hidden, arena), hidden, vocab));
        return list;
    }

    /** Seconds for the step's projections alone, in step order (inputs and outputs allocated before the clock starts). */
    private static double projectionSeconds(VectorMatmul kernel, List<Projection> projections, int rows) {
        Random random = new Random(rows);
        float[][] xs = new float[projections.size()][];
        float[][] ys = new float[projections.size()][];
        for (int i = 0; i < xs.length; i++) {
            Projection p = projections.get(i);
            xs[i] = new float[rows * p.in()];
            for (int j = 0; j < xs[i].length; j += 97) {
                xs[i][j] = (float) random.nextGaussian();
            }
            ys[i] = new float[rows * p.out()];
        }
        long start = now();
        for (int i = 0; i < xs.length; i++) {
            kernel.multiply(xs[i], rows, projections.get(i).weight(), ys[i]);
        }
        return (now() - start) / 1e9;
    }

    /** Wall-clock nanoseconds, or this thread's CPU nanoseconds when the kernel runs on this thread alone. */
    private static long now() {
        return THREADS == 1 ? CPU.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static StepInput decodeStep(List<KvCache> caches, int rows, int position) {
        List<StepInput.Row> list = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            list.add(new StepInput.Row(caches.get(r), new int[] {(r * 31 + position) % 250}, position, false));
        }
        return new StepInput(list);
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
