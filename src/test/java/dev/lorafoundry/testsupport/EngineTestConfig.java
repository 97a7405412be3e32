package dev.lorafoundry.testsupport;

import dev.lorafoundry.config.LoraFoundryConfig;
import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration for an Engine built directly by a test or benchmark: a model folder, batch size and kernel rows. */
public record EngineTestConfig(Path modelPath, int maxBatchSize, int kernelMaxRows, double trainingShare)
        implements LoraFoundryConfig {

    public EngineTestConfig(Path modelPath, int maxBatchSize, int kernelMaxRows) {
        this(modelPath, maxBatchSize, kernelMaxRows, 0.5);
    }

    @Override
    public Training training() {
        return () -> trainingShare;
    }

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

            public String toolCallParser() {
                return "auto";
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
    public int maxLoras() {
        return 16;
    }

    @Override
    public Adapters adapters() {
        return new Adapters() {
            public String dir() {
                return "target/bench-adapters";
            }

            public long maxUploadBytes() {
                return 1L << 28;
            }
        };
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

            public boolean nativeKernel() {
                return !"false".equals(System.getProperty("nativeKernel"));
            }

            public int nativeKernelMaxRows() {
                return Integer.getInteger("nativeKernelMaxRows", 1024);
            }
        };
    }

    @Override
    public Files files() {
        return () -> new MemorySize(BigInteger.valueOf(512L << 20));
    }

    @Override
    public Redis redis() {
        return new Redis() {
            public String serverCommand() {
                return "redis-server";
            }

            public Duration timeout() {
                return Duration.ofSeconds(5);
            }
        };
    }

    @Override
    public Jobs jobs() {
        return new Jobs() {
            public Duration leaseTtl() {
                return Duration.ofSeconds(15);
            }

            public Duration heartbeat() {
                return Duration.ofSeconds(3);
            }

            public Duration pollInterval() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
