package dev.lorafoundry.jobs;

import dev.lorafoundry.adapter.AdapterEntry;
import dev.lorafoundry.adapter.AdapterNames;
import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.files.FileObject;
import dev.lorafoundry.files.FilePurpose;
import dev.lorafoundry.files.FileStore;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates and cancels fine-tuning jobs: checks the model, the files (every record, as the trainer will read it) and
 * the settings before anything is stored, so a job that is accepted can run; then queues it for the {@link JobWorker}.
 */
@ApplicationScoped
public class JobService {

    /** The highest step a checkpoint name is checked for when the job's names are chosen. */
    private static final String LONGEST_CHECKPOINT = ":ckpt-step-9999999";

    @Inject
    JobStore store;

    @Inject
    FileStore files;

    @Inject
    AdapterRegistry adapters;

    @Inject
    Engine engine;

    @Inject
    JobWorker worker;

    private final SecureRandom random = new SecureRandom();

    public FineTuningJob create(JobRequest request) {
        String base = engine.servedModel().id();
        HyperparameterResolver.InitialAdapter initial = initialAdapter(request.model(), base);
        FileObject trainingFile = fineTuneFile(request.trainingFile(), "training_file");
        FileObject validationFile = request.validationFile() == null ? null
                : fineTuneFile(request.validationFile(), "validation_file");

        // Settings are checked before the (possibly large) files are read; batch_size "auto" needs the example count.
        JobSettings draft = HyperparameterResolver.resolve(request, 1, engine.servedModel().maxModelLen(), initial).settings();
        String stage = draft.stage();
        Path trainingPath = files.contentPath(trainingFile);
        String formatting = draft.formatting() != null ? draft.formatting() : detect(trainingPath, trainingFile.id(), "training_file");
        DatasetEntry train = TrainingData.entry(trainingFile.id(), trainingPath, withFormatting(draft, formatting));
        int examples = TrainingData.check(stage, train, "training_file");
        if (validationFile != null) {
            TrainingData.check(stage, TrainingData.entry(validationFile.id(), files.contentPath(validationFile),
                    withFormatting(draft, formatting)), "validation_file");
        }
        HyperparameterResolver.Resolved resolved = HyperparameterResolver.resolve(request, examples,
                engine.servedModel().maxModelLen(), initial);
        JobSettings settings = withFormatting(resolved.settings(), formatting);

        String id = JobIds.nextJob();
        String modelName = "ft:" + base + ":" + (request.suffix() == null ? "" : request.suffix() + ":") + id;
        String nameProblem = AdapterNames.problem(modelName + LONGEST_CHECKPOINT);
        if (nameProblem != null) {
            throw new InvalidJobRequestException("suffix", "The fine-tuned model would be named '" + modelName
                    + "', and its checkpoints '" + modelName + LONGEST_CHECKPOINT + "', which is too long for a model name"
                    + " (at most 128 characters); use a shorter suffix.");
        }
        long seed = request.seed() != null ? request.seed() : random.nextInt(Integer.MAX_VALUE);
        FineTuningJob job = new FineTuningJob(id, "fine_tuning.job", Instant.now().getEpochSecond(), null,
                request.model(), null, FineTuningJob.ORGANIZATION, List.of(), JobStatus.QUEUED, trainingFile.id(),
                validationFile == null ? null : validationFile.id(), resolved.hyperparameters(),
                FineTuningJob.Method.supervised(resolved.hyperparameters()), null, null, null, request.suffix(), seed,
                List.of(), request.metadata(), settings);
        List<JobStore.NewEvent> events = new ArrayList<>();
        events.add(JobStore.NewEvent.info("Validating training file: " + trainingFile.id()
                + (validationFile == null ? "" : " and validation file: " + validationFile.id())));
        request.notes().forEach(note -> events.add(JobStore.NewEvent.warn(note)));
        events.add(JobStore.NewEvent.info("Files validated (" + examples + " training " + (stage.equals("pt")
                ? "documents" : "examples") + ", " + formatting + " format), moving job to queued state"));
        store.create(new StoredJob(job, modelName, 0, null), events);
        worker.wake();
        return job;
    }

    /**
     * Cancels a queued job at once, or a running one within one training step (its status says cancelled at once,
     * and the engine is free for the next job when the current step ends).
     */
    public FineTuningJob cancel(String id) {
        StoredJob current = store.find(id).orElseThrow(() -> new UnknownJobException(id));
        if (current.status().isTerminal()) {
            throw new InvalidJobRequestException(400, "job_id", "job_not_cancellable", "The job " + id + " has already "
                    + current.status().value() + "; only queued and running jobs can be cancelled.");
        }
        long now = Instant.now().getEpochSecond();
        Optional<JobStatus> refused = store.transition(id, Set.of(JobStatus.VALIDATING_FILES, JobStatus.QUEUED),
                Map.of("status", JobStatus.CANCELLED.value(), "finished_at", now), true,
                JobStore.NewEvent.info("Job cancelled before it started"));
        if (refused.isPresent() && refused.get() == JobStatus.RUNNING) {
            java.util.OptionalInt step = worker.cancelIfRunning(id);
            refused = store.transition(id, Set.of(JobStatus.RUNNING),
                    Map.of("status", JobStatus.CANCELLED.value(), "finished_at", now), false,
                    JobStore.NewEvent.info("Cancel requested" + (step.isPresent() ? " after step " + step.getAsInt() : "")
                            + "; training stops at the end of the current step"));
        }
        if (refused.isPresent() && refused.get() != JobStatus.CANCELLED) {
            throw new InvalidJobRequestException(400, "job_id", "job_not_cancellable", "The job " + id + " has already "
                    + refused.get().value() + "; only queued and running jobs can be cancelled.");
        }
        return store.find(id).orElseThrow(() -> new UnknownJobException(id)).job();
    }

    private HyperparameterResolver.InitialAdapter initialAdapter(String model, String base) {
        if (model.equals(base)) {
            return null;
        }
        String name = model.startsWith(base + ":") && adapters.find(model).isEmpty() ? model.substring(base.length() + 1) : model;
        AdapterEntry adapter = adapters.find(name).orElseThrow(() -> new InvalidJobRequestException(404, "model",
                "model_not_found", "The model '" + model + "' does not exist; fine-tune the base model '" + base
                + "' or continue one of its adapters" + (adapters.names().isEmpty() ? "" : " (" + String.join(", ",
                adapters.names()) + ")") + ". GET /v1/models and GET /v1/adapters list them."));
        if (adapter.config().useDora()) {
            throw new InvalidJobRequestException("model", "The adapter '" + name + "' is a DoRA adapter; this server"
                    + " continues training plain LoRA adapters only.");
        }
        return new HyperparameterResolver.InitialAdapter(adapter.name(), adapter.config().r(),
                adapter.config().loraAlpha(), adapter.config().useRslora(), adapter.targets());
    }

    private FileObject fineTuneFile(String id, String param) {
        FileObject file = files.find(id).orElseThrow(() -> new InvalidJobRequestException(400, param, "file_not_found",
                "No such file: '" + id + "' (" + param + "). Upload the data with POST /v1/files (purpose 'fine-tune')"
                + " and pass the id it returns; GET /v1/files lists the stored files."));
        if (!file.purpose().equals(FilePurpose.FINE_TUNE.value())) {
            throw new InvalidJobRequestException(400, param, "invalid_file_purpose", "The file " + id + " was uploaded"
                    + " with purpose '" + file.purpose() + "'; training data must be uploaded with purpose 'fine-tune'"
                    + " (which checks every line). Upload it again with that purpose.");
        }
        return file;
    }

    private static String detect(Path file, String fileId, String param) {
        try {
            return TrainingData.detectFormat(file);
        } catch (DatasetException e) {
            throw new InvalidJobRequestException(param, "The file " + fileId + " cannot be used for training: "
                    + e.getMessage().replace(file.toString(), fileId).replace("\n  ", "; ")
                    + ". Or set lorafoundry.formatting and lorafoundry.columns as in a dataset_info.json entry.");
        }
    }

    private static JobSettings withFormatting(JobSettings s, String formatting) {
        return new JobSettings(s.stage(), s.finetuningType(), s.adapterNameOrPath(), s.loraRank(), s.loraAlpha(),
                s.loraDropout(), s.loraTarget(), s.useRslora(), s.learningRate(), s.lrSchedulerType(), s.warmupRatio(),
                s.warmupSteps(), s.weightDecay(), s.maxGradNorm(), s.perDeviceTrainBatchSize(),
                s.gradientAccumulationSteps(), s.numTrainEpochs(), s.maxSteps(), s.cutoffLen(), s.packing(),
                s.trainOnPrompt(), s.maskHistory(), s.saveSteps(), s.evalSteps(), s.loggingSteps(), s.valSize(),
                s.neftuneNoiseAlpha(), s.gradientCheckpointing(), formatting, s.columns(), s.tags());
    }
}
