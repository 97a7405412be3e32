package dev.lorafoundry.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import java.util.List;

/**
 * Full-parameter training (LLaMA-Factory's {@code finetuning_type: full}) for pre-training from random weights and for
 * SFT: every weight trainable in float32, AdamW, the same schedules, global-norm clipping, gradient accumulation and
 * data order as {@link LoraTrainer}. It does not run on the serving engine: the caller's thread drives it on an
 * NDManager of its own, with no model being served (the default model's pipeline is its user), and the LoRA-only
 * {@link TrainingSpec} fields are ignored. Saving is the caller's ({@link HfModelFolderWriter}).
 */
public final class FullTrainer {

    private final TrainingSpec spec;
    private final TrainingListener listener;
    private final int threads;

    public FullTrainer(TrainingSpec spec, TrainingListener listener, int threads) {
        this.spec = spec;
        this.listener = listener == null ? new TrainingListener() {} : listener;
        this.threads = threads;
    }

    /** Trains {@code parameters} in place on the spec's data and returns what was done. */
    public TrainingResult train(FullParameters parameters, Tokenizer tokenizer, ChatTemplate template) {
        long started = System.nanoTime();
        TrainingData data = TrainingData.load(spec, template, tokenizer, listener::onMessage);
        TrainingBatches batches = new TrainingBatches(data.train(), spec.batchSize(), spec.gradientAccumulationSteps(),
                spec.seed());
        List<TrainingBatch> validation = TrainingBatches.evaluation(data.validation(), Math.max(1, spec.batchSize()));
        int totalSteps = batches.totalSteps(spec.maxSteps(), spec.numTrainEpochs());
        LearningRateSchedule schedule = LearningRateSchedule.of(spec.lrSchedulerType(), spec.learningRate(),
                spec.warmupSteps(), spec.warmupRatio(), totalSteps);
        AdamW optimizer = new AdamW(parameters.tensors(), spec.weightDecay());
        listener.onStart(data.examples(), totalSteps, data.skipped());

        long trainedTokens = 0;
        double lastLoss = Double.NaN;
        long windowStart = System.nanoTime();
        double lossSum = 0;
        long count = 0;
        long correct = 0;
        long windowTokens = 0;
        // The manager first: it loads libtorch, which JniUtils needs.
        NDManager manager = NDManager.newBaseManager();
        boolean gradMode = JniUtils.isGradMode();
        try (manager) {
            JniUtils.setNumThreads(Math.max(1, threads));
            for (int step = 0; step < totalSteps; step++) {
                parameters.zeroGradients();
                List<TrainingBatch> micro = batches.step(step);
                int stepTrained = GradientStep.trainedTokens(micro);
                for (int i = 0; i < micro.size(); i++) {
                    TrainingBatch batch = micro.get(i);
                    TrainingForward.Result r = micro(parameters, manager, batch, stepTrained,
                            spec.seed() * 7_919L + step * 1_000_003L + i);
                    lossSum += r.lossSum();
                    count += r.count();
                    correct += r.correct();
                    windowTokens += batch.tokens();
                    trainedTokens += batch.tokens();
                }
                double gradNorm = GradientClipping.clip(parameters.gradients(), spec.maxGradNorm());
                if (!Double.isFinite(gradNorm)) {
                    throw new IllegalStateException("the gradient norm is " + gradNorm + " at step " + (step + 1)
                            + "; lower learning_rate or check the data");
                }
                double learningRate = schedule.at(step);
                optimizer.step(parameters.tensors(), parameters.gradients(), learningRate);
                int done = step + 1;
                if (done % Math.max(1, spec.loggingSteps()) == 0 || done == totalSteps) {
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    lastLoss = count == 0 ? Double.NaN : lossSum / count;
                    double window = Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9);
                    listener.onMetrics(new TrainingMetrics(done, totalSteps, batches.epochAfter(done), lastLoss,
                            learningRate, gradNorm, windowTokens / window, count == 0 ? Double.NaN
                            : (double) correct / count, trainedTokens, elapsed, elapsed / done * (totalSteps - done)));
                    windowStart = System.nanoTime();
                    lossSum = 0;
                    count = 0;
                    correct = 0;
                    windowTokens = 0;
                }
                boolean last = done == totalSteps;
                if (!validation.isEmpty() && ((spec.evalSteps() > 0 && done % spec.evalSteps() == 0) || last)) {
                    evaluate(parameters, manager, validation, done);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new TrainingResult(spec.outputDir(), totalSteps, trainedTokens, lastLoss);
    }

    /** One micro-batch forward and backward; its gradients are added to the parameters' buffers. */
    static TrainingForward.Result micro(FullParameters parameters, NDManager parent, TrainingBatch batch,
                                        int stepTrainedTokens, long noiseSeed) {
        try (NDManager manager = parent.newSubManager()) {
            JniUtils.setGradMode(true);
            FullTensors tensors = new FullTensors(parameters, manager, DataType.FLOAT32, true);
            TrainingForward.Options options = new TrainingForward.Options(true, 1.0 / Math.max(1, stepTrainedTokens),
                    false, 0, 0, noiseSeed, false, null);
            TrainingForward.Result result = new TrainingForward(tensors.weights()).run(manager, null, batch, options);
            if (result.count() > 0) {
                tensors.addGradientsTo(parameters);
            }
            return result;
        }
    }

    private void evaluate(FullParameters parameters, NDManager parent, List<TrainingBatch> batches, int step) {
        double lossSum = 0;
        long count = 0;
        long correct = 0;
        JniUtils.setGradMode(false);
        for (TrainingBatch batch : batches) {
            try (NDManager manager = parent.newSubManager()) {
                FullTensors tensors = new FullTensors(parameters, manager, DataType.FLOAT32, false);
                TrainingForward.Result r = new TrainingForward(tensors.weights()).run(manager, null, batch,
                        TrainingForward.Options.evaluation(false));
                lossSum += r.lossSum();
                count += r.count();
                correct += r.correct();
            }
        }
        listener.onEvaluation(step, count == 0 ? Double.NaN : lossSum / count,
                count == 0 ? Double.NaN : (double) correct / count);
    }
}
