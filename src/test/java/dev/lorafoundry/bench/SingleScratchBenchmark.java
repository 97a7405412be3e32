package dev.lorafoundry.bench;

import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.testsupport.EngineTestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SingleScratchBenchmark {
    @Test
    void run() throws Exception {
        Path dir = Path.of("target/bench-models/qwen2.5-0.5b-shape");
        Engine engine = new Engine(new EngineTestConfig(dir, 16, 32), new SimpleMeterRegistry());
        DecodeBenchmark.generate(engine, DecodeBenchmark.prompt(16, 1), 8);
        int rounds = Integer.getInteger("rounds", 6);
        for (int i = 0; i < rounds; i++) {
            var r = DecodeBenchmark.generate(engine, DecodeBenchmark.prompt(16, 2 + i), 64);
            System.out.printf("SINGLE %.2f tokens/s (%.1f ms/token)%n", r.decodeTokensPerSecond(), 1000 / r.decodeTokensPerSecond());
        }
        engine.close();
    }
}
