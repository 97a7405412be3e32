package dev.lorafoundry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every user-facing knob of the service; defaults are documented in application.properties and README. */
@ConfigMapping(prefix = "lorafoundry")
public interface LoraFoundryConfig {

    Model model();

    /** Where uploaded files, job outputs and the embedded Redis live. */
    @WithDefault("data")
    String dataDir();

    Engine engine();

    /** LoRA adapters resident on the engine at once; the least recently used idle one makes room for a new one. */
    @WithDefault("8")
    int maxLoras();

    Adapters adapters();

    Training training();

    interface Training {
        /**
         * Share of the CPU a training run gets while requests are also waiting (0..1); with no request waiting it
         * trains flat out, and with no run serving never waits. 1 pauses serving while a run trains.
         */
        @WithDefault("0.5")
        double share();
    }

    interface Adapters {
        /** Folder scanned at start-up for adapters (one sub-folder each) and where uploads are stored. */
        @WithDefault("adapters")
        String dir();

        /** Largest adapter upload accepted, in bytes. */
        @WithDefault("268435456")
        long maxUploadBytes();
    }
    Files files();

    Redis redis();

    Jobs jobs();

    interface Model {
        /** Hugging Face model folder; default: the model shipped in models/. */
        @WithDefault("models/foundry-tiny")
        String path();

        /** The id served in /v1/models; default: the folder name. */
        Optional<String> name();

        /** Built-in chat template used when the tokenizer has none: chatml, llama3 or mistral. */
        @WithDefault("chatml")
        String fallbackChatTemplate();

        /** Tool-call format of the model's output: auto (judged from the chat template), hermes, llama3_json or mistral. */
        @WithDefault("auto")
        String toolCallParser();

        /** Longest prompt + completion accepted; default: the model's max_position_embeddings. */
        Optional<Integer> maxModelLen();
    }

    interface Engine {
        /** Sequences decoded together in one step. */
        @WithDefault("16")
        int maxBatchSize();

        /** Requests waiting for a batch slot before new ones get 429. */
        @WithDefault("256")
        int maxQueuedRequests();

        /** Prompt tokens processed per step across new sequences (chunked prefill budget). */
        @WithDefault("512")
        int prefillChunkTokens();

        /** Threads libtorch and the Vector API kernel may use for one step; 0 means all cores. */
        @WithDefault("0")
        int threads();

        /**
         * Steps of at most this many tokens (decode steps) run their projections through the Java Vector API
         * kernel, which streams weights faster than libtorch; needs --add-modules jdk.incubator.vector. 0 disables.
         */
        @WithDefault("32")
        int vectorKernelMaxRows();

        /**
         * Decode steps of 12 rows or more run their projections on the native kernel (built from src/main/native when
         * gcc is present; needs AVX-512F), which prefetches weights while it computes. false: the Java kernel only.
         */
        @WithDefault("true")
        boolean nativeKernel();

        /**
         * With the native kernel in use, steps of at most this many tokens (prefill chunks included) run their
         * projections on the kernels instead of libtorch; larger ones on libtorch.
         */
        @WithDefault("1024")
        int nativeKernelMaxRows();
    }

    interface Files {
        /** Largest file POST /v1/files accepts; quarkus.http.limits.max-body-size must exceed it (multipart framing). */
        @WithDefault("512M")
        MemorySize maxBytes();
    }

    interface Redis {
        /** The redis-server executable started (under data-dir/redis) when quarkus.redis.hosts is not set. */
        @WithDefault("redis-server")
        String serverCommand();

        /** How long one Redis call may take before the endpoint gives up with a 503. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Jobs {
        /**
         * How long a worker's claim on a running job lasts without a heartbeat; after a crash, the job is resumed
         * (from its last checkpoint) once its claim has run out.
         */
        @WithDefault("15s")
        Duration leaseTtl();

        /** How often the worker renews its claim and looks for a cancel request from another replica. */
        @WithDefault("3s")
        Duration heartbeat();

        /** How often an idle worker looks for queued jobs (and for jobs a dead worker left behind). */
        @WithDefault("1s")
        Duration pollInterval();
    }
}
