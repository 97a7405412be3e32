package dev.lorafoundry.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.model.GenerationConfig;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.ModelLoadException;
import dev.lorafoundry.model.kernel.VectorMatmul;
import dev.lorafoundry.model.lora.LoraWeights;
import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.IncrementalDetokenizer;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.toolcall.ToolCallParser;
import dev.lorafoundry.toolcall.ToolCallParsers;
import dev.lorafoundry.training.LoraTrainer;
import dev.lorafoundry.training.TrainingHandle;
import dev.lorafoundry.training.TrainingListener;
import dev.lorafoundry.training.TrainingSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/** The only owner of the model weights and the device: everything else submits work to it. */
@Singleton
@Startup
public class Engine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class);

    private final ServedModel servedModel;
    private final Path modelDir;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final ToolCallParser toolCallParser;
    private final ModelConfig modelConfig;
    private final Set<Integer> eosTokenIds;
    private final NDManager manager;
    private final LlamaModel model;
    private final Scheduler scheduler;
    private final Thread thread;
    private final VectorMatmul kernel;
    private final CpuTurns turns;
    private final int trainingThreads;
    private TrainingHandle training;

    public Engine(LoraFoundryConfig config, MeterRegistry registry) {
        Path dir = Path.of(config.model().path()).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Model folder " + dir + " does not exist; set lorafoundry.model.path"
                    + " (env LORAFOUNDRY_MODEL_PATH) to a Hugging Face model folder");
        }
        this.modelDir = dir;
        long started = System.nanoTime();
        this.modelConfig = ModelConfig.read(dir);
        this.tokenizer = Tokenizer.load(dir);
        this.chatTemplate = ChatTemplate.forTokenizer(tokenizer, config.model().fallbackChatTemplate());
        String parserName = config.model().toolCallParser();
        this.toolCallParser = "auto".equals(parserName)
                ? ToolCallParsers.forModel(modelConfig.architecture(), chatTemplate.source())
                : ToolCallParsers.named(parserName);
        this.eosTokenIds = eosTokenIds(modelConfig, GenerationConfig.read(dir), tokenizer);
        String id = config.model().name().orElse(dir.getFileName().toString());
        int maxModelLen = config.model().maxModelLen().orElse(modelConfig.maxPositionEmbeddings());
        this.servedModel = new ServedModel(id, System.currentTimeMillis() / 1000, maxModelLen);

        // The engine thread owns every tensor; loading happens on it so grad mode and thread settings stick.
        LoraFoundryConfig.Engine engineConfig = config.engine();
        this.turns = new CpuTurns(config.training().share());
        this.trainingThreads = engineConfig.threads() > 0 ? engineConfig.threads()
                : Runtime.getRuntime().availableProcessors();
        this.manager = NDManager.newBaseManager();
        this.kernel = engineConfig.vectorKernelMaxRows() > 0 && VectorMatmul.isAvailable()
                ? new VectorMatmul(engineConfig.threads(), engineConfig.nativeKernel()) : null;
        if (kernel == null) {
            LOG.info("Decode steps run on libtorch (start the JVM with --add-modules jdk.incubator.vector for the"
                    + " faster Vector API kernel)");
        } else if (kernel.usesNativeKernel()) {
            LOG.infof("Decode steps run on the Java Vector API kernel, steps of %d rows or more on the native kernel",
                    VectorMatmul.NATIVE_MIN_ROWS);
        } else {
            LOG.infof("Decode steps run on the Java Vector API kernel alone; the native kernel for many rows is not"
                    + " used: %s", kernel.nativeKernelProblem());
        }
        NativeHeap.tuningAdvice(System.getenv("GLIBC_TUNABLES")).ifPresent(LOG::warn);
        CompletableFuture<LlamaModel> loaded = new CompletableFuture<>();
        CompletableFuture<Scheduler> schedulerReady = new CompletableFuture<>();
        this.thread = Thread.ofPlatform().name("lorafoundry-engine").daemon(true).unstarted(() -> {
            try {
                JniUtils.setGradMode(false);
                if (engineConfig.threads() > 0) {
                    JniUtils.setNumThreads(engineConfig.threads());
                }
                LlamaModel m = LlamaModel.load(dir, modelConfig, manager, kernel, kernelMaxRows(engineConfig));
                loaded.complete(m);
                Scheduler s = new Scheduler(m, engineConfig.maxBatchSize(), engineConfig.maxQueuedRequests(),
                        engineConfig.prefillChunkTokens(), config.maxLoras(), registry, turns);
                schedulerReady.complete(s);
                s.run();
            } catch (Throwable t) {
                loaded.completeExceptionally(t);
                schedulerReady.completeExceptionally(t);
            }
        });
        thread.start();
        this.model = join(loaded);
        this.scheduler = join(schedulerReady);
        LOG.infof("Loaded %s (%s, %d layers, hidden %d, vocab %d) from %s in %.1f s; the decode kernel's packed copy of"
                        + " the weights takes %.1f MB", id, modelConfig.architecture(), modelConfig.numLayers(),
                modelConfig.hiddenSize(), modelConfig.vocabSize(), dir, (System.nanoTime() - started) / 1e9,
                model.packedWeightBytes() / 1e6);
    }

    /** Cancels an active run and waits (briefly) for it to let go of the weights. */
    private void stopTraining() {
        TrainingHandle run;
        synchronized (this) {
            run = training;
        }
        if (run != null && !run.completion().isDone()) {
            run.cancel();
            try {
                run.completion().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // Cancelled or failed: either way it has stopped, or we give up waiting.
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ModelLoadException("Loading the model failed: " + e.getCause(), e.getCause());
        }
    }

    private static Set<Integer> eosTokenIds(ModelConfig config, GenerationConfig generation, Tokenizer tokenizer) {
        Set<Integer> ids = new HashSet<>(config.eosTokenIds());
        ids.addAll(generation.eosTokenIds());
        tokenizer.eosTokenId().ifPresent(ids::add);
        return Set.copyOf(ids);
    }

    public ServedModel servedModel() {
        return servedModel;
    }

    /** The folder the base model was loaded from. */
    public Path modelDir() {
        return modelDir;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** How this model writes tool calls (for parsing its output and forcing calls). */
    public ToolCallParser toolCallParser() {
        return toolCallParser;
    }

    public ModelConfig modelConfig() {
        return modelConfig;
    }

    /** Queues a sequence; throws {@link EngineOverloadedException} when the queue is full. */
    public GenerationHandle submit(GenerationRequest request) {
        int promptLength = request.promptTokens().length;
        int maxModelLen = servedModel.maxModelLen();
        if (promptLength == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (promptLength >= maxModelLen) {
            throw new IllegalArgumentException("the prompt has " + promptLength + " tokens but the context window is "
                    + maxModelLen + " tokens");
        }
        for (int token : request.promptTokens()) {
            if (token < 0 || token >= modelConfig.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                        + modelConfig.vocabSize() + ")");
            }
        }
        int capacity = (int) Math.min(maxModelLen, (long) promptLength + Math.max(1, request.params().maxTokens()));
        Sequence sequence = new Sequence(request, capacity, new Sampler(request.params(), modelConfig.vocabSize()),
                new IncrementalDetokenizer(tokenizer, true), eosTokenIds);
        if (!scheduler.offer(sequence)) {
            throw new EngineOverloadedException("The server is busy: the request queue is full; retry shortly");
        }
        return sequence;
    }

    /**
     * Makes an adapter's weights ready to run on this model (B transposed, DoRA norms). Runs on the calling thread,
     * never the engine's, so loading an adapter does not stall the batch.
     */
    public PreparedLora prepareAdapter(String name, LoraWeights weights) {
        return model.prepare(name, weights);
    }

    /** Names of the adapters resident on the engine now. */
    public Set<String> residentAdapters() {
        return scheduler.adapters().residentNames();
    }

    /**
     * Drops an adapter from the engine once no running sequence uses it (running ones finish first); the future tells
     * whether it was resident.
     */
    public CompletableFuture<Boolean> unloadAdapter(String name) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        scheduler.execute(() -> done.complete(scheduler.adapters().unload(name)));
        return done;
    }

    /** Pinned adapters are never evicted to make room for others. */
    public void pinAdapter(String name, boolean pin) {
        scheduler.execute(() -> scheduler.adapters().pin(name, pin));
    }

    /**
     * Starts a LoRA training run on the resident model. It runs on a thread of its own and takes turns with serving
     * for the CPU ({@code lorafoundry.training.share}); one run at a time.
     *
     * @throws IllegalStateException while another run is active
     */
    public synchronized TrainingHandle train(TrainingSpec spec, TrainingListener listener) {
        if (training != null && !training.completion().isDone()) {
            throw new IllegalStateException("a training run is already active on this engine; wait for it to finish"
                    + " or cancel it before starting another");
        }
        training = LoraTrainer.start(spec, listener, new LoraTrainer.Resources(model, tokenizer, chatTemplate, turns,
                trainingThreads, modelDir.toString()));
        training.completion().whenComplete((result, failure) -> NativeHeap.releaseFreeMemory());
        return training;
    }

    /** Stops the engine thread and frees the weights. */
    @PreDestroy
    @Override
    public void close() {
        stopTraining();
        scheduler.stop();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
        manager.close();
        if (kernel != null) {
            kernel.close();
        }
        tokenizer.close();
    }

    /**
     * Largest step whose projections run on the kernels: prompt chunks too when the native kernel is there (prefill
     * 512 tokens: 253 against 132-176 tokens/s on libtorch, measured here), decode-sized steps otherwise.
     */
    private int kernelMaxRows(LoraFoundryConfig.Engine engineConfig) {
        int vectorRows = engineConfig.vectorKernelMaxRows();
        return kernel != null && kernel.usesNativeKernel()
                ? Math.max(vectorRows, engineConfig.nativeKernelMaxRows()) : vectorRows;
    }
}
