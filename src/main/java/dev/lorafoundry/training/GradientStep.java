package dev.lorafoundry.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * The gradient half of one optimizer step: each micro-batch runs forward and backward in a manager of its own (closed
 * before the next, so native memory never grows), and its LoRA gradients are added to the parameters' buffers. The
 * loss is normalised by the trained tokens of all the step's micro-batches, so accumulating k micro-batches gives the
 * gradient of one batch k times as large.
 */
final class GradientStep {

    /**
     * @param checkpointing recompute layer activations in the backward pass
     * @param dropout       LoRA dropout
     * @param neftuneAlpha  NEFTune noise
     * @param noiseSeed     the step's seed for dropout masks and noise (micro-batch i uses a value derived from it)
     * @param dataType      FLOAT32 in training
     */
    record Settings(boolean checkpointing, double dropout, double neftuneAlpha, long noiseSeed, DataType dataType) {}

    /** Sums over the micro-batches run so far. */
    record Totals(double lossSum, int correct, int count, long tokens) {
        Totals plus(TrainingForward.Result r, long batchTokens) {
            return new Totals(lossSum + r.lossSum(), correct + r.correct(), count + r.count(), tokens + batchTokens);
        }
    }

    private GradientStep() {}

    /** Runs every micro-batch of a step; the parameters' gradients must have been zeroed by the caller. */
    static Totals accumulate(TrainingForward forward, LoraParameters parameters, NDManager parent,
                             List<TrainingBatch> microBatches, Settings settings) {
        int trained = trainedTokens(microBatches);
        Totals totals = new Totals(0, 0, 0, 0);
        for (int i = 0; i < microBatches.size(); i++) {
            totals = micro(forward, parameters, parent, microBatches.get(i), i, trained, settings, null, totals);
        }
        return totals;
    }

    static int trainedTokens(List<TrainingBatch> microBatches) {
        int trained = 0;
        for (TrainingBatch b : microBatches) {
            trained += b.trainedTokens();
        }
        return trained;
    }

    /** One micro-batch of a step whose micro-batches train {@code stepTrainedTokens} tokens in all. */
    static Totals micro(TrainingForward forward, LoraParameters parameters, NDManager parent, TrainingBatch batch,
                        int index, int stepTrainedTokens, Settings settings, Runnable betweenLayers, Totals totals) {
        try (NDManager manager = parent.newSubManager()) {
            LoraTensors tensors = new LoraTensors(parameters, manager, settings.dataType(),
                    parameters.projections().isEmpty() ? 0 : numLayers(parameters), true);
            TrainingForward.Options options = new TrainingForward.Options(true, 1.0 / Math.max(1, stepTrainedTokens),
                    settings.checkpointing(), settings.dropout(), settings.neftuneAlpha(),
                    settings.noiseSeed() * 1_000_003L + index, false, betweenLayers);
            TrainingForward.Result result = forward.run(manager, tensors, batch, options);
            if (result.count() > 0) {
                tensors.addGradientsTo(parameters);
            }
            return totals.plus(result, batch.tokens());
        }
    }

    private static int numLayers(LoraParameters parameters) {
        int max = 0;
        for (LoraParameters.Projection p : parameters.projections()) {
            max = Math.max(max, p.layer() + 1);
        }
        return max;
    }
}
