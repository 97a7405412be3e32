package dev.lorafoundry.bench;

import dev.lorafoundry.config.LoraFoundryConfig;
import java.nio.file.Path;
import java.util.Optional;

/** The engine configuration a benchmark runs with: a model folder and a batch size, the rest defaults. */
record BenchConfig(Path modelPath, int maxBatchSize, int kernelMaxRows) implements LoraFoundryConfig {

    @Override
    public Model model() {
        return new Model() {
            public String path() {
                return modelPath.toString();
            }

            public Optional<String> name() {
                return Optional.empty();
            }

            public String fallbackChatTemplate() {
                return "chatml";
            }

            public Optional<Integer> maxModelLen() {
                return Optional.of(2048);
            }
        };
    }

    @Override
    public String dataDir() {
        return "target/bench-data";
    }

    @Override
    public Engine engine() {
        return new Engine() {
            public int maxBatchSize() {
                return maxBatchSize;
            }

            public int maxQueuedRequests() {
                return 256;
            }

            public int prefillChunkTokens() {
                return 512;
            }

            public int threads() {
                return 0;
            }

            public int vectorKernelMaxRows() {
                return kernelMaxRows;
            }
        };
    }
}
