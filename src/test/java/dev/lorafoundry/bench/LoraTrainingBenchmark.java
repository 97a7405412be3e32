package dev.lorafoundry.bench;

import ai.djl.ndarray.NDManager;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.testsupport.ResidentMemory;
import dev.lorafoundry.training.LoraTrainer;
import dev.lorafoundry.training.TrainingListener;
import dev.lorafoundry.training.TrainingMetrics;
import dev.lorafoundry.training.TrainingSpec;
import dev.lorafoundry.training.TrainingTurns;
import dev.lorafoundry.training.data.DatasetColumns;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * LoRA training throughput on a SmolLM-135M-shaped random model (f32; hidden 576, 30 layers, 9 heads over 3 KV heads,
 * intermediate 1536, vocab 49152, tied embeddings): rank 16 on all linear layers, 2 rows × 512 tokens per optimizer
 * step, loss on every token (stage pt). Prints tokens/s and model-FLOPs utilisation against the fp32 matmul peak
 * measured in the same run (the higher of its readings before and after the steps), per step (best and median of the
 * timed steps), and peak resident memory beside the weights. Run with {@code bin/bench -Dtest=LoraTrainingBenchmark} (-Dsteps=N, -Dcheckpointing=true).
 *
 * <p>FLOPs counted per trained token, forward + backward (a multiply-add is 2 FLOPs):
 * <ul>
 *   <li>frozen linear layers: 2·N forward + 2·N for the input gradient (frozen weights need no weight gradient),
 *       4·N_linear in all;</li>
 *   <li>LM head: 4·vocab·hidden, computed for the 511 of 512 positions that predict a token;</li>
 *   <li>LoRA: 6·r·(in + out) per adapted projection (forward, input gradient, A and B gradients);</li>
 *   <li>attention scores and context: 4·T·hidden per layer forward, twice that backward, counting only the causal
 *       half (the kernel computes the full square and masks it);</li>
 *   <li>not counted: norms, RoPE, softmax, SiLU, residual adds, the loss.</li>
 * </ul>
 */
class LoraTrainingBenchmark {

    static final RandomModelSpec SMOLLM_135M = new RandomModelSpec("smollm-135m-shape", "LlamaForCausalLM", 576, 1536,
            30, 9, 3, null, 49152, true, "F32", 1, null, 2048, 1L, 0.02);

    private static final int SEQ = 512;
    private static final int ROWS = 2;
    private static final int RANK = 16;

    @Test
    void run() throws Exception {
        Path dir = Path.of("target/bench-models", SMOLLM_135M.name());
        if (!Files.exists(dir.resolve("config.json"))) {
            System.out.println("writing " + dir + " ...");
            RandomModelWriter.write(SMOLLM_135M, dir);
        }
        MachineLimits limits = MachineLimits.measure();
        System.out.printf("machine: fp32 matmul peak %.1f GFLOP/s%n", limits.matmulPeakGflops());

        ModelConfig c = ModelConfig.read(dir);
        int steps = Integer.getInteger("steps", 6);
        boolean checkpointing = Boolean.getBoolean("checkpointing");
        Path text = writeText(Path.of("target/bench-data/lora-training.txt"), (steps + 2) * ROWS * SEQ * 3);
        DatasetEntry entry = new DatasetEntry("bench", text, DatasetColumns.standard(DatasetFormat.TEXT), false);
        TrainingSpec spec = new TrainingSpec("pt", entry, null, 0, RANK, 2 * RANK, 0, List.of("all"), false, 1e-4,
                "constant", 0, 0, 0, 1.0, ROWS, 1, 0, steps + 1, SEQ, false, false, false, 0, 0, 1, 1, 0,
                checkpointing, Path.of("target/bench-output/lora-training"), null, null);

        List<Double> stepSeconds = new ArrayList<>();
        List<Long> stepTokens = new ArrayList<>();
        long[] last = {System.nanoTime(), 0};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onMetrics(TrainingMetrics m) {
                long now = System.nanoTime();
                stepSeconds.add((now - last[0]) / 1e9);
                stepTokens.add(m.trainedTokens() - last[1]);
                last[0] = now;
                last[1] = m.trainedTokens();
                System.out.printf("step %d: loss %.3f, %.1f tokens/s, grad norm %.3f%n", m.step(), m.trainLoss(),
                        m.tokensPerSecond(), m.gradNorm());
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.load(dir, c, manager);
             Tokenizer tokenizer = Tokenizer.load(dir)) {
            int threads = Runtime.getRuntime().availableProcessors();
            last[0] = System.nanoTime();
            LoraTrainer.start(spec, listener, new LoraTrainer.Resources(model, tokenizer,
                    ChatTemplate.forTokenizer(tokenizer, "chatml"), TrainingTurns.exclusive(), threads,
                    dir.toString())).completion().get(2, TimeUnit.HOURS);
        }

        long peakResident = ResidentMemory.peakBytes(); // before the second reading, whose buffers would count too
        // The host's speed drifts over a run: read the peak again afterwards and hold the steps to the higher reading.
        double peakAfter = MachineLimits.measure().matmulPeakGflops();
        double peak = Math.max(limits.matmulPeakGflops(), peakAfter);
        System.out.printf("machine: fp32 matmul peak %.1f GFLOP/s after the run; using %.1f%n", peakAfter, peak);
        double flopsPerToken = flopsPerToken(c);
        List<Double> rates = new ArrayList<>();
        for (int i = 1; i < stepSeconds.size(); i++) { // step 1 warms up (and includes loading the data)
            rates.add(stepTokens.get(i) / stepSeconds.get(i));
        }
        rates.sort(null);
        double best = rates.getLast();
        double median = rates.get(rates.size() / 2);
        long weightBytes = weightBytes(dir);
        System.out.printf("FLOPs per token: %.1f M (linear %.1f M, LM head %.1f M, LoRA %.1f M, attention %.1f M)%n",
                flopsPerToken / 1e6, 4.0 * linearParameters(c) / 1e6,
                4.0 * c.vocabSize() * c.hiddenSize() * (SEQ - 1) / SEQ / 1e6, loraFlops(c) / 1e6,
                attentionFlops(c) / 1e6);
        for (String which : new String[] {"best", "median"}) {
            double rate = which.equals("best") ? best : median;
            double gflops = rate * flopsPerToken / 1e9;
            System.out.printf("LoRA SFT r%d all-linear, %d×%d tokens/step%s, %s of %d steps: %.1f tokens/s = %.1f GFLOP/s"
                            + " = %.0f%% MFU (peak %.1f GFLOP/s; target >= 40%%)%n", RANK, ROWS, SEQ,
                    checkpointing ? ", gradient checkpointing" : "", which, rates.size(), rate, gflops,
                    100 * gflops / peak, peak);
        }
        System.out.printf("peak resident memory %.2f GB; weights %.2f GB (f32)%n", peakResident / 1e9,
                weightBytes / 1e9);
    }

    static long linearParameters(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long perLayer = h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
        return perLayer * c.numLayers();
    }

    static double loraFlops(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long i = c.intermediateSize();
        long inPlusOut = (h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h);
        return 6.0 * RANK * inPlusOut * c.numLayers();
    }

    static double attentionFlops(ModelConfig c) {
        // Per token, forward: QKᵀ and PV over on average T/2 keys: 2 · 2 · (T/2) · heads·headDim; backward twice that.
        double forward = 2.0 * 2 * (SEQ / 2.0) * c.numHeads() * c.headDim();
        return 3 * forward * c.numLayers();
    }

    static double flopsPerToken(ModelConfig c) {
        return 4.0 * linearParameters(c) + 4.0 * c.vocabSize() * c.hiddenSize() * (SEQ - 1) / SEQ + loraFlops(c)
                + attentionFlops(c);
    }

    private static long weightBytes(Path dir) throws IOException {
        return Files.size(dir.resolve("model.safetensors"));
    }

    /** Random lower-case words, one document per line, at least {@code chars} characters. */
    private static Path writeText(Path file, int chars) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            for (int w = 0; w < 40; w++) {
                int length = 2 + random.nextInt(8);
                for (int i = 0; i < length; i++) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
                text.append(' ');
            }
            text.append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }
}
