package dev.lorafoundry.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jboss.logging.Logger;

/**
 * One LoRA training run on the resident model, on a dedicated thread with grad mode on: loads and encodes the data,
 * then per optimizer step runs its micro-batches (each in its own turn on the CPU, see {@link TrainingTurns}), clips
 * the global gradient norm, steps AdamW at the scheduled learning rate, and logs, evaluates and checkpoints on
 * schedule. The base weights are read, never written; the LoRA master weights live in Java memory.
 */
public final class LoraTrainer {

    private static final Logger LOG = Logger.getLogger(LoraTrainer.class);

    /**
     * What the trainer runs on.
     *
     * @param threads   libtorch threads for the training thread (serving and training take turns, so each may use
     *                  every core)
     * @param baseModel written into the adapter's base_model_name_or_path
     */
    public record Resources(LlamaModel model, Tokenizer tokenizer, ChatTemplate template, TrainingTurns turns,
                            int threads, String baseModel) {}

    private final TrainingSpec spec;
    private final TrainingListener listener;
    private final Resources resources;
    private final TrainingRun run = new TrainingRun();
    private final int trainingThreads;

    private LoraTrainer(TrainingSpec spec, TrainingListener listener, Resources resources) {
        this.spec = spec;
        this.listener = listener == null ? new TrainingListener() {} : listener;
        this.resources = resources;
        this.trainingThreads = threadsFor(resources.model().config().hiddenSize(), resources.threads());
    }

    /** Starts the run on a new thread and returns its handle. */
    public static TrainingHandle start(TrainingSpec spec, TrainingListener listener, Resources resources) {
        LoraTrainer trainer = new LoraTrainer(spec, listener, resources);
        Thread.ofPlatform().name("lorafoundry-training").daemon(true).start(trainer::runGuarded);
        return trainer.run;
    }

    private void runGuarded() {
        int[] step = {0};
        try {
            JniUtils.setGradMode(true);
            JniUtils.setNumThreads(trainingThreads);
            run.completion().complete(train(step));
        } catch (CancellationException e) {
            listener.onMessage(e.getMessage());
            run.completion().completeExceptionally(e);
        } catch (IllegalArgumentException e) {
            run.completion().completeExceptionally(e);
        } catch (Throwable t) {
            LOG.error("Training failed at step " + step[0], t);
            run.completion().completeExceptionally(new TrainingFailedException("training failed at step " + step[0]
                    + " of " + spec.outputDir() + ": " + t, t));
        } finally {
            resources.turns().finish();
            JniUtils.setGradMode(false);
        }
    }

    /**
     * libtorch threads for the training thread. Small models get one: their ops are too small to split, and OpenMP's
     * barriers cost far more than they gain when the cores are shared (measured on a hidden-64 model with the machine
     * loaded: 54 ms per step on 1 thread, 700 ms on 2). Serving and training take turns, so the thread setting (per
     * thread in libtorch) never makes them compete.
     */
    static int threadsFor(int hiddenSize, int available) {
        return hiddenSize < 256 ? 1 : Math.max(1, available);
    }

    private TrainingResult train(int[] currentStep) throws InterruptedException {
        long started = System.nanoTime();
        TrainingData data = TrainingData.load(spec, resources.template(), resources.tokenizer(), listener::onMessage);
        TrainingBatches batches = new TrainingBatches(data.train(), spec.batchSize(), spec.gradientAccumulationSteps(),
                spec.seed());
        List<TrainingBatch> validation = TrainingBatches.evaluation(data.validation(), Math.max(1, spec.batchSize()));
        int totalSteps = batches.totalSteps(spec.maxSteps(), spec.numTrainEpochs());
        LearningRateSchedule schedule = LearningRateSchedule.of(spec.lrSchedulerType(), spec.learningRate(),
                spec.warmupSteps(), spec.warmupRatio(), totalSteps);

        var model = resources.model().config();
        LoraParameters parameters;
        int firstStep = 0;
        long trainedTokens = 0;
        double previousSeconds = 0;
        TrainingCheckpoint resumed = null;
        if (spec.resumeFrom() != null) {
            resumed = TrainingCheckpoint.read(spec.resumeFrom());
            parameters = TrainingCheckpoint.readParameters(spec.resumeFrom(), model);
            firstStep = resumed.step();
            trainedTokens = resumed.trainedTokens();
            previousSeconds = resumed.elapsedSeconds();
            if (resumed.seed() != spec.seed()) {
                throw new IllegalArgumentException("checkpoint " + spec.resumeFrom() + " was trained with seed "
                        + resumed.seed() + " but this run has seed " + spec.seed() + "; resume with the same seed");
            }
        } else if (spec.initAdapter() != null) {
            parameters = LoraParameters.fromAdapter(PeftAdapterReader.read(spec.initAdapter(), model), model);
        } else {
            parameters = LoraParameters.initialise(model, spec.loraRank(), spec.loraAlpha(), spec.useRslora(),
                    spec.loraTarget(), spec.seed());
        }
        AdamW optimizer = new AdamW(parameters.tensors(), spec.weightDecay());
        if (resumed != null) {
            TrainingCheckpoint.restoreOptimizer(spec.resumeFrom(), parameters, optimizer, resumed.step());
            listener.onMessage("resumed from " + spec.resumeFrom() + " at step " + firstStep + " of " + totalSteps);
        }
        listener.onStart(data.examples(), totalSteps, data.skipped());

        TrainingForward forward = new TrainingForward(TrainingWeights.of(resources.model()));
        TrainingTurns turns = resources.turns();
        Runnable offer = () -> {
            try {
                turns.offer(run::isCancelled);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("the training thread was interrupted");
            }
        };
        Window window = new Window();
        double lastLoss = Double.NaN;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int step = firstStep; step < totalSteps; step++) {
                currentStep[0] = step;
                run.checkCancelled(step);
                parameters.zeroGradients();
                List<TrainingBatch> micro = batches.step(step);
                int stepTrained = GradientStep.trainedTokens(micro);
                GradientStep.Settings settings = new GradientStep.Settings(spec.gradientCheckpointing(),
                        spec.loraDropout(), spec.neftuneNoiseAlpha(), spec.seed() * 7_919L + step, DataType.FLOAT32);
                GradientStep.Totals totals = new GradientStep.Totals(0, 0, 0, 0);
                for (int i = 0; i < micro.size(); i++) {
                    turns.begin(run::isCancelled);
                    try {
                        run.checkCancelled(step);
                        // Inference may have changed libtorch's thread count in its turn; a fixed count keeps the
                        // reduction order, hence the losses, identical between a run and its resumption.
                        JniUtils.setNumThreads(trainingThreads);
                        totals = GradientStep.micro(forward, parameters, manager, micro.get(i), i, stepTrained,
                                settings, offer, totals);
                    } finally {
                        turns.end();
                    }
                }
                double gradNorm = GradientClipping.clip(parameters.gradients(), spec.maxGradNorm());
                if (!Double.isFinite(gradNorm)) {
                    throw new IllegalStateException("the gradient norm is " + gradNorm + " at step " + (step + 1)
                            + "; lower learning_rate or check the data");
                }
                double learningRate = schedule.at(step);
                optimizer.step(parameters.tensors(), parameters.gradients(), learningRate);
                trainedTokens += totals.tokens();
                window.add(totals);
                int done = step + 1;
                double elapsed = previousSeconds + (System.nanoTime() - started) / 1e9;
                if (done % Math.max(1, spec.loggingSteps()) == 0 || done == totalSteps) {
                    lastLoss = window.loss();
                    double perStep = (System.nanoTime() - started) / 1e9 / (done - firstStep);
                    listener.onMetrics(new TrainingMetrics(done, totalSteps, batches.epochAfter(done), lastLoss,
                            learningRate, gradNorm, window.tokensPerSecond(), window.accuracy(), trainedTokens,
                            elapsed, perStep * (totalSteps - done)));
                    window = new Window();
                }
                boolean evaluated = false;
                if (!validation.isEmpty() && spec.evalSteps() > 0 && done % spec.evalSteps() == 0) {
                    evaluate(forward, parameters, manager, validation, done);
                    evaluated = true;
                }
                if (done == totalSteps && !validation.isEmpty() && !evaluated) {
                    evaluate(forward, parameters, manager, validation, done);
                }
                if ((spec.saveSteps() > 0 && done % spec.saveSteps() == 0) || done == totalSteps) {
                    Path folder = new TrainingCheckpoint(done, totalSteps, spec.seed(), trainedTokens, elapsed)
                            .save(spec.outputDir(), parameters, optimizer, spec.loraDropout(), resources.baseModel());
                    listener.onCheckpoint(done, folder);
                }
            }
        }
        PeftAdapterWriter.write(spec.outputDir(), parameters, spec.loraDropout(), resources.baseModel());
        return new TrainingResult(spec.outputDir(), totalSteps, trainedTokens, lastLoss);
    }

    private void evaluate(TrainingForward forward, LoraParameters parameters, NDManager parent,
                          List<TrainingBatch> batches, int step) throws InterruptedException {
        double lossSum = 0;
        long count = 0;
        long correct = 0;
        JniUtils.setGradMode(false);
        try {
            for (TrainingBatch batch : batches) {
                resources.turns().begin(run::isCancelled);
                try (NDManager manager = parent.newSubManager()) {
                    run.checkCancelled(step);
                    LoraTensors tensors = new LoraTensors(parameters, manager, DataType.FLOAT32,
                            resources.model().config().numLayers(), false);
                    TrainingForward.Result r = forward.run(manager, tensors, batch,
                            TrainingForward.Options.evaluation(false));
                    lossSum += r.lossSum();
                    count += r.count();
                    correct += r.correct();
                } finally {
                    resources.turns().end();
                }
            }
        } finally {
            JniUtils.setGradMode(true);
        }
        listener.onEvaluation(step, count == 0 ? Double.NaN : lossSum / count,
                count == 0 ? Double.NaN : (double) correct / count);
    }

    /** Sums over a logging window. */
    private static final class Window {
        private final long started = System.nanoTime();
        private double lossSum;
        private long count;
        private long correct;
        private long tokens;

        void add(GradientStep.Totals totals) {
            lossSum += totals.lossSum();
            count += totals.count();
            correct += totals.correct();
            tokens += totals.tokens();
        }

        double loss() {
            return count == 0 ? Double.NaN : lossSum / count;
        }

        double accuracy() {
            return count == 0 ? Double.NaN : (double) correct / count;
        }

        double tokensPerSecond() {
            return tokens / Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        }
    }
}
