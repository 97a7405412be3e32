package dev.lorafoundry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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

    interface Model {
        /** Hugging Face model folder; default: the model shipped in models/. */
        @WithDefault("models/placeholder-random-tiny")
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
    }
}
