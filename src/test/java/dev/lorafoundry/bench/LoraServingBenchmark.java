package dev.lorafoundry.bench;

import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.adapter.RandomAdapterSpec;
import dev.lorafoundry.adapter.RandomAdapterWriter;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.testsupport.EngineTestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Multi-adapter serving on the Qwen2.5-0.5B-shaped random model: 16 concurrent streams, each on a different rank-8
 * adapter over all linear layers, against the same 16 streams on the base model (target ≥ 0.85×), and the time from
 * a request naming a never-loaded adapter to its first token. Run with {@code bin/bench -Dtest=LoraServingBenchmark}.
 */
class LoraServingBenchmark {

    private static final int STREAMS = 16;
    private static final int TOKENS = 64;
    private static final List<String> ALL_LINEAR = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj");

    @Test
    void run() throws Exception {
        Path modelDir = Path.of("target/bench-models", DecodeBenchmark.QWEN25_05B.name());
        if (!Files.exists(modelDir.resolve("config.json"))) {
            System.out.println("writing " + modelDir + " ...");
            RandomModelWriter.write(DecodeBenchmark.QWEN25_05B, modelDir);
        }
        Path adapterRoot = Path.of("target/bench-adapters");
        List<Path> adapterDirs = new ArrayList<>();
        for (int i = 0; i <= STREAMS; i++) {
            Path dir = adapterRoot.resolve("rank8-all-" + i);
            if (!Files.exists(dir.resolve(PeftAdapterReader.WEIGHTS_FILE))) {
                RandomAdapterWriter.write(RandomAdapterSpec.simple("rank8-all-" + i, 8, ALL_LINEAR, 100 + i), modelDir, dir);
            }
            adapterDirs.add(dir);
        }
        Engine engine = new Engine(new EngineTestConfig(modelDir, STREAMS, Integer.getInteger("kernelMaxRows", 32)),
                new SimpleMeterRegistry());
        List<LoraRequest> adapters = new ArrayList<>();
        for (Path dir : adapterDirs) {
            adapters.add(request(engine, dir));
        }
        try {
            // Warm up, and make the 16 stream adapters resident (the steady state of a serving system).
            for (int i = 0; i < STREAMS; i++) {
                DecodeBenchmark.generate(engine, DecodeBenchmark.prompt(16, 1), 2, adapters.get(i));
            }
            DecodeBenchmark.generate(engine, DecodeBenchmark.prompt(16, 1), 8, null);
            // One discarded round of each: the kernels reach their compiled form only after some dozens of steps, and
            // a first round measured cold would flatter whichever side runs second.
            DecodeBenchmark.concurrent(engine, STREAMS, TOKENS, 5, i -> null);
            DecodeBenchmark.concurrent(engine, STREAMS, TOKENS, 5, adapters::get);

            int rounds = Integer.getInteger("rounds", 3);
            double[] base = new double[rounds];
            double[] lora = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                base[r] = DecodeBenchmark.concurrent(engine, STREAMS, TOKENS, 10, i -> null).aggregate();
                lora[r] = DecodeBenchmark.concurrent(engine, STREAMS, TOKENS, 10, adapters::get).aggregate();
                System.out.printf("round %d: base %.2f tokens/s, 16 adapters %.2f tokens/s (%.2f×)%n", r + 1, base[r],
                        lora[r], lora[r] / base[r]);
            }
            double baseMedian = DecodeBenchmark.median(base);
            double loraMedian = DecodeBenchmark.median(lora);
            System.out.printf("%d streams, each on its own rank-8 all-linear adapter: %.2f tokens/s aggregate vs %.2f on"
                    + " the base model = %.2f× (target ≥ 0.85×; medians of %d rounds)%n", STREAMS, loraMedian,
                    baseMedian, loraMedian / baseMedian, rounds);

            int[] prompt = DecodeBenchmark.prompt(16, 7);
            DecodeBenchmark.Result resident = DecodeBenchmark.generate(engine, prompt, 1, adapters.get(0));
            DecodeBenchmark.Result cold = DecodeBenchmark.generate(engine, prompt, 1, adapters.get(STREAMS));
            System.out.printf("time to first token (16-token prompt): resident adapter %.0f ms; adapter never loaded"
                    + " before %.0f ms (read %.1f MB from disk, prepare, install, prefill)%n",
                    resident.timeToFirstTokenSeconds() * 1e3, cold.timeToFirstTokenSeconds() * 1e3,
                    Files.size(adapterDirs.get(STREAMS).resolve(PeftAdapterReader.WEIGHTS_FILE)) / 1e6);
        } finally {
            engine.close();
        }
    }

    private static LoraRequest request(Engine engine, Path dir) {
        String name = dir.getFileName().toString();
        return new LoraRequest(name, () -> CompletableFuture.supplyAsync(
                () -> engine.prepareAdapter(name, PeftAdapterReader.read(dir, engine.modelConfig()).weights())));
    }
}
