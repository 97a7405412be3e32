package dev.lorafoundry.jobs;

import dev.lorafoundry.adapter.AdapterEntry;
import dev.lorafoundry.adapter.AdapterNames;
import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.adapter.AdapterSource;
import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.files.FileObject;
import dev.lorafoundry.files.FileStore;
import dev.lorafoundry.redis.RedisUnavailableException;
import dev.lorafoundry.training.TrainingHandle;
import dev.lorafoundry.training.TrainingListener;
import dev.lorafoundry.training.TrainingMetrics;
import dev.lorafoundry.training.TrainingResult;
import dev.lorafoundry.training.TrainingSpec;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs fine-tuning jobs on the engine, one at a time, oldest first: first any job a dead worker left running (its
 * lease ran out; it resumes from its last checkpoint), then the queue. While a job trains, the worker renews its lease
 * every heartbeat and watches for a cancel request; the trainer's progress goes to Redis on a writer thread of its
 * own (retrying while Redis is away, so no event is lost and training never waits for Redis). On success the adapter
 * is copied to {@code <adapters dir>/<folderName(ft model)>} and registered under its {@code ft:} name; checkpoints
 * are registered as {@code <ft model>:ckpt-step-N} as they are written. At start-up the adapters of earlier jobs are
 * registered again.
 */
@Startup
@ApplicationScoped
public class JobWorker {

    private static final Logger LOG = Logger.getLogger(JobWorker.class);
    /** How long the worker waits for the event writer to catch up before the job's final state is written. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    @Inject
    JobStore store;

    @Inject
    FileStore files;

    @Inject
    AdapterRegistry adapters;

    @Inject
    Engine engine;

    @Inject
    LoraFoundryConfig config;

    /** This process's worker id: whose lease a job holds. */
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID();
    private final Object signal = new Object();
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile RunningJob current;

    /** The job on the engine now, and how its run ended when it was stopped from outside. */
    private static final class RunningJob {
        final String id;
        final TrainingHandle handle;
        final JobProgress progress;
        volatile boolean leaseLost;

        RunningJob(String id, TrainingHandle handle, JobProgress progress) {
            this.id = id;
            this.handle = handle;
            this.progress = progress;
        }
    }

    @PostConstruct
    void start() {
        thread = Thread.ofPlatform().name("job-worker").daemon(true).start(this::loop);
    }

    /**
     * On shutdown a running job is stopped without being finished: it stays running, its lease is dropped, and the
     * next start (or another replica) resumes it from its last checkpoint at once.
     */
    @PreDestroy
    void stop() {
        stopping = true;
        wake();
        RunningJob running = current;
        if (running != null) {
            running.handle.cancel();
        }
        Thread worker = thread;
        if (worker != null) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A job was queued: look now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Stops the job's training within one step if this worker runs it; returns the last step the run had finished when
     * it was told (metrics events reach Redis a little later, so the event stream alone cannot say).
     */
    public java.util.OptionalInt cancelIfRunning(String id) {
        RunningJob running = current;
        if (running != null && running.id.equals(id)) {
            int step = running.progress.lastStep();
            running.handle.cancel();
            return java.util.OptionalInt.of(step);
        }
        return java.util.OptionalInt.empty();
    }

    /** The id of the job on the engine now, if any. */
    public Optional<String> runningJob() {
        RunningJob running = current;
        return Optional.ofNullable(running == null ? null : running.id);
    }

    private void loop() {
        boolean restored = false;
        while (!stopping) {
            try {
                if (!restored) {
                    restoreAdapters();
                    restored = true;
                }
                Duration lease = config.jobs().leaseTtl();
                Optional<String> id = store.claimOrphan(owner, lease);
                if (id.isEmpty()) {
                    id = store.claimNext(owner, lease);
                }
                if (id.isPresent()) {
                    run(id.get());
                } else {
                    pause(config.jobs().pollInterval());
                }
            } catch (RedisUnavailableException e) {
                LOG.debugf("Job worker waiting for Redis: %s", e.getMessage());
                pause(config.jobs().pollInterval());
            } catch (RuntimeException e) {
                LOG.error("Job worker error; retrying after the poll interval", e);
                pause(config.jobs().pollInterval());
            }
        }
    }

    private void pause(Duration duration) {
        synchronized (signal) {
            if (stopping) {
                return;
            }
            try {
                signal.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    private void run(String id) {
        StoredJob job = store.find(id).orElse(null);
        if (job == null || job.status().isTerminal()) {
            store.forget(id); // cancelled between queue and claim, or its record is gone
            return;
        }
        boolean resuming = job.status() == JobStatus.RUNNING;
        Path resumeFrom = resuming && job.checkpointDir() != null && Files.isDirectory(Path.of(job.checkpointDir()))
                ? Path.of(job.checkpointDir()) : null;
        long now = Instant.now().getEpochSecond();
        if (!resuming) {
            Optional<JobStatus> refused = store.transition(id, Set.of(JobStatus.QUEUED, JobStatus.VALIDATING_FILES),
                    Map.of("status", JobStatus.RUNNING.value(), "started_at", now), false,
                    JobStore.NewEvent.info("Fine-tuning job started"));
            if (refused.isPresent()) {
                store.forget(id);
                return;
            }
        } else {
            store.appendEvent(id, JobStore.NewEvent.info(resumeFrom != null
                    ? "The worker running this job stopped; resuming from the checkpoint at step " + job.checkpointStep()
                    : "The worker running this job stopped before its first checkpoint; training again from the start"));
        }
        TrainingSpec spec;
        try {
            spec = spec(job, resumeFrom);
        } catch (JobFailure e) {
            fail(id, e.code, e.getMessage());
            return;
        }
        JobProgress progress = new JobProgress(job);
        TrainingHandle handle;
        try {
            handle = engine.train(spec, progress);
        } catch (RuntimeException e) {
            progress.drain();
            fail(id, "training_failed", "The trainer could not start: " + e.getMessage());
            return;
        }
        RunningJob running = new RunningJob(id, handle, progress);
        current = running;
        try {
            if (store.find(id).map(j -> j.status() == JobStatus.CANCELLED).orElse(false)) {
                handle.cancel(); // cancelled while the run was being set up
            }
            finish(job, running, progress, await(running));
        } finally {
            current = null;
        }
    }

    /** What a run came to: a result, a cancellation or a failure. */
    private record Outcome(TrainingResult result, boolean cancelled, Throwable failure) {}

    private Outcome await(RunningJob running) {
        while (true) {
            try {
                return new Outcome(running.handle.completion().get(config.jobs().heartbeat().toMillis(), TimeUnit.MILLISECONDS), false, null);
            } catch (TimeoutException e) {
                heartbeat(running);
            } catch (CancellationException e) {
                return new Outcome(null, true, null);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                return cause instanceof CancellationException ? new Outcome(null, true, null) : new Outcome(null, false, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.handle.cancel();
            }
        }
    }

    /** Renews the lease and stops the run if the job was cancelled through another replica or the lease was lost. */
    private void heartbeat(RunningJob running) {
        try {
            if (!store.renewLease(running.id, owner, config.jobs().leaseTtl())) {
                LOG.warnf("Job %s: another worker took over its lease; stopping here", running.id);
                running.leaseLost = true;
                running.handle.cancel();
                return;
            }
            if (store.find(running.id).map(j -> j.status() == JobStatus.CANCELLED).orElse(false)) {
                running.handle.cancel();
            }
        } catch (RedisUnavailableException e) {
            LOG.debugf("Job %s: heartbeat skipped, Redis unavailable: %s", running.id, e.getMessage());
        }
    }

    private void finish(StoredJob job, RunningJob running, JobProgress progress, Outcome outcome) {
        String id = job.id();
        progress.drain();
        if (outcome.cancelled()) {
            if (running.leaseLost) {
                return;
            }
            if (stopping) {
                retrying(() -> {
                    store.dropLease(id, owner);
                    return null;
                });
                LOG.infof("Job %s stopped for shutdown; it resumes from its last checkpoint at the next start", id);
                return;
            }
            retrying(() -> store.transition(id, Set.of(JobStatus.CANCELLED, JobStatus.RUNNING),
                    Map.of("status", JobStatus.CANCELLED.value(), "finished_at", Instant.now().getEpochSecond()), true,
                    JobStore.NewEvent.info("Job cancelled; training stopped at step " + progress.lastStep())));
            return;
        }
        if (outcome.failure() != null) {
            LOG.errorf(outcome.failure(), "Job %s failed", id);
            fail(id, "training_failed", "Training failed: " + message(outcome.failure()));
            return;
        }
        TrainingResult result = outcome.result();
        try {
            publish(job.modelName(), result.adapterDir());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Job %s: could not register the trained adapter", id);
            fail(id, "adapter_not_registered", "Training finished but the adapter could not be stored or registered: "
                    + message(e));
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", JobStatus.SUCCEEDED.value());
        fields.put("finished_at", Instant.now().getEpochSecond());
        fields.put("trained_tokens", result.trainedTokens());
        Optional<JobStatus> refused = retrying(() -> store.transition(id, Set.of(JobStatus.RUNNING), fields, true,
                JobStore.NewEvent.info("The job has successfully completed: " + job.modelName() + " is ready ("
                        + result.steps() + " steps, " + result.trainedTokens() + " tokens, final training loss "
                        + String.format("%.4f", result.finalLoss()) + ")")));
        if (refused.isPresent()) {
            // Cancelled in the last moment: the cancel wins, the adapter goes.
            adapters.unregister(job.modelName(), true);
            retrying(() -> store.transition(id, Set.of(refused.get()), Map.of(), true,
                    JobStore.NewEvent.info("Job cancelled as it finished; its adapter was not kept")));
        }
    }

    private void fail(String id, String code, String message) {
        FineTuningJob.JobError error = new FineTuningJob.JobError(code, message, null);
        retrying(() -> store.transition(id, Set.of(JobStatus.QUEUED, JobStatus.VALIDATING_FILES, JobStatus.RUNNING),
                Map.of("status", JobStatus.FAILED.value(), "finished_at", Instant.now().getEpochSecond(), "error", error),
                true, JobStore.NewEvent.error(message)));
    }

    /** The trainer's input, from the job's stored settings; problems a user can act on become {@link JobFailure}s. */
    private TrainingSpec spec(StoredJob stored, Path resumeFrom) {
        FineTuningJob job = stored.job();
        JobSettings settings = job.lorafoundry();
        FileObject train = files.find(job.trainingFile()).orElseThrow(() -> new JobFailure("file_not_found",
                "The training file " + job.trainingFile() + " was deleted before the job could run; upload it again"
                        + " and create a new job."));
        var trainEntry = TrainingData.entry(train.id(), files.contentPath(train), settings);
        var validationEntry = job.validationFile() == null ? null : files.find(job.validationFile())
                .map(f -> TrainingData.entry(f.id(), files.contentPath(f), settings))
                .orElseThrow(() -> new JobFailure("file_not_found", "The validation file " + job.validationFile()
                        + " was deleted before the job could run; upload it again and create a new job."));
        Path initAdapter = null;
        if (settings.adapterNameOrPath() != null) {
            initAdapter = adapters.find(settings.adapterNameOrPath()).map(AdapterEntry::dir)
                    .orElseThrow(() -> new JobFailure("model_not_found", "The adapter '" + settings.adapterNameOrPath()
                            + "' this job continues was removed before the job could run."));
        }
        Path outputDir = jobDir(job.id());
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new JobFailure("storage_error", "Cannot create " + outputDir + ": " + e.getMessage());
        }
        return settings.toSpec(trainEntry, validationEntry, job.seed(), outputDir, resumeFrom, initAdapter);
    }

    private Path jobDir(String id) {
        return Path.of(config.dataDir(), "jobs", id).toAbsolutePath();
    }

    /** A job that cannot run, with the reason for its error. */
    private static final class JobFailure extends RuntimeException {
        final String code;

        JobFailure(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /**
     * Copies the trained adapter's files (not the checkpoints beside them) to the adapters folder under a staging
     * name, moves it into place, and registers it; a folder left by an earlier attempt of the same job is replaced.
     */
    private void publish(String modelName, Path adapterDir) {
        Path target = adapters.adaptersDir().resolve(AdapterNames.folderName(modelName));
        Path staging = adapters.adaptersDir().resolve(".trained-" + target.getFileName());
        try {
            Files.createDirectories(adapters.adaptersDir());
            deleteRecursively(staging);
            Files.createDirectories(staging);
            try (Stream<Path> entries = Files.list(adapterDir)) {
                for (Path file : entries.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            forget(modelName, target);
            deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + adapterDir + " to " + target + ": " + e.getMessage(), e);
        }
        adapters.register(modelName, target, AdapterSource.TRAINED, true);
    }

    /** Unregisters an adapter name and the folder-name entry the start-up scan made for the same folder. */
    private void forget(String name, Path dir) {
        adapters.find(name).ifPresent(entry -> adapters.unregister(name, false));
        String folderName = dir.getFileName().toString();
        adapters.find(folderName).filter(e -> e.source() == AdapterSource.DISK && e.dir().equals(dir))
                .ifPresent(e -> adapters.unregister(folderName, false));
    }

    /** Registers again what earlier jobs produced: checkpoints, and the adapters of succeeded jobs. */
    private void restoreAdapters() {
        int restored = 0;
        for (String id : store.allIds()) {
            Optional<StoredJob> job = store.find(id);
            if (job.isEmpty()) {
                continue;
            }
            for (Map.Entry<JobCheckpoint, String> checkpoint : store.checkpointFolders(id).entrySet()) {
                restored += restore(checkpoint.getKey().fineTunedModelCheckpoint(), checkpoint.getValue());
            }
            if (job.get().status() == JobStatus.SUCCEEDED) {
                Path dir = adapters.adaptersDir().resolve(AdapterNames.folderName(job.get().modelName()));
                restored += restore(job.get().modelName(), dir.toString());
            }
        }
        if (restored > 0) {
            LOG.infof("Registered %d adapter(s) and checkpoint(s) of earlier fine-tuning jobs", restored);
        }
    }

    private int restore(String name, String folder) {
        if (folder == null || adapters.find(name).isPresent() || !Files.isDirectory(Path.of(folder))) {
            return 0;
        }
        try {
            forget(name, Path.of(folder));
            adapters.register(name, Path.of(folder), AdapterSource.TRAINED, true);
            return 1;
        } catch (RuntimeException e) {
            LOG.warnf("Could not register %s from %s: %s", name, folder, e.getMessage());
            return 0;
        }
    }

    /** Runs a Redis write until it succeeds: a job's final state must not be lost to a Redis restart. */
    private <T> T retrying(Supplier<T> write) {
        while (true) {
            try {
                return write.get();
            } catch (RedisUnavailableException e) {
                LOG.debugf("Redis unavailable, retrying a job write: %s", e.getMessage());
                try {
                    Thread.sleep(Math.max(100, config.jobs().pollInterval().toMillis()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Hears the trainer (on its thread) and writes to Redis on a single writer thread, in order; each write is retried
     * while Redis is away, so the trainer never blocks and no event is dropped.
     */
    private final class JobProgress implements TrainingListener {

        private final StoredJob job;
        private final ExecutorService writer;
        private volatile TrainingMetrics last;
        private volatile Double validLoss;
        private volatile Double validAccuracy;

        JobProgress(StoredJob job) {
            this.job = job;
            this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("job-events-" + job.id()).daemon(true).factory());
        }

        int lastStep() {
            TrainingMetrics metrics = last;
            return metrics == null ? job.checkpointStep() : metrics.step();
        }

        @Override
        public void onStart(int examples, int totalSteps, int skippedRecords) {
            write(() -> store.appendEvent(job.id(), JobStore.NewEvent.info("Training on " + examples + " examples for "
                    + totalSteps + " steps" + (skippedRecords > 0 ? " (" + skippedRecords + " records skipped)" : ""))));
        }

        @Override
        public void onMetrics(TrainingMetrics metrics) {
            last = metrics;
            Map<String, Object> data = data(metrics);
            long finish = Instant.now().getEpochSecond() + Math.round(metrics.etaSeconds());
            String message = String.format("Step %d/%d: training loss=%.4f", metrics.step(), metrics.totalSteps(), metrics.trainLoss());
            write(() -> store.recordMetrics(job.id(), metrics.trainedTokens(), finish, JobStore.NewEvent.metrics(message, data)));
        }

        @Override
        public void onEvaluation(int step, double loss, double accuracy) {
            validLoss = loss;
            validAccuracy = accuracy;
            TrainingMetrics metrics = last;
            Map<String, Object> data = metrics == null ? new LinkedHashMap<>(Map.of("step", step)) : data(metrics);
            data.put("step", step);
            data.put("valid_loss", loss);
            data.put("valid_mean_token_accuracy", accuracy);
            String message = String.format("Step %d: validation loss=%.4f", step, loss);
            write(() -> store.appendEvent(job.id(), JobStore.NewEvent.metrics(message, data)));
        }

        @Override
        public void onCheckpoint(int step, Path dir) {
            TrainingMetrics metrics = last;
            Map<String, Object> numbers = new LinkedHashMap<>();
            numbers.put("step", step);
            numbers.put("train_loss", metrics == null ? null : metrics.trainLoss());
            numbers.put("train_mean_token_accuracy", metrics == null ? null : metrics.meanTokenAccuracy());
            numbers.put("valid_loss", validLoss);
            numbers.put("valid_mean_token_accuracy", validAccuracy);
            numbers.put("full_valid_loss", validLoss);
            numbers.put("full_valid_mean_token_accuracy", validAccuracy);
            String name = job.modelName() + ":ckpt-step-" + step;
            JobCheckpoint checkpoint = new JobCheckpoint(JobIds.nextCheckpoint(), JobCheckpoint.OBJECT,
                    Instant.now().getEpochSecond(), name, job.id(), numbers, step);
            write(() -> {
                try {
                    adapters.find(name).ifPresent(e -> adapters.unregister(name, false));
                    adapters.register(name, dir.toAbsolutePath(), AdapterSource.TRAINED, false);
                } catch (RuntimeException e) {
                    LOG.warnf("Job %s: checkpoint %s cannot be served: %s", job.id(), dir, e.getMessage());
                }
                store.addCheckpoint(job.id(), checkpoint, dir.toAbsolutePath().toString());
            });
        }

        @Override
        public void onMessage(String message) {
            write(() -> store.appendEvent(job.id(), JobStore.NewEvent.info(message)));
        }

        private Map<String, Object> data(TrainingMetrics metrics) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("step", metrics.step());
            data.put("total_steps", metrics.totalSteps());
            data.put("train_loss", metrics.trainLoss());
            data.put("valid_loss", validLoss);
            data.put("learning_rate", metrics.learningRate());
            data.put("tokens_per_second", metrics.tokensPerSecond());
            data.put("mean_token_accuracy", metrics.meanTokenAccuracy());
            data.put("epoch", metrics.epoch());
            data.put("grad_norm", metrics.gradNorm());
            data.put("trained_tokens", metrics.trainedTokens());
            return data;
        }

        private void write(Runnable redisWrite) {
            writer.execute(() -> retrying(() -> {
                redisWrite.run();
                return null;
            }));
        }

        /** Waits for every event to be written, so they all come before the job's final state. */
        void drain() {
            writer.shutdown();
            try {
                if (!writer.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warnf("Job %s: events still unwritten after %s", job.id(), DRAIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
