package dev.lorafoundry.training;

/**
 * One logging step's numbers.
 *
 * @param step              optimizer steps done
 * @param totalSteps        optimizer steps the run will take
 * @param epoch             fractional epoch
 * @param trainLoss         mean token loss over the logging window
 * @param learningRate      the learning rate of the last step
 * @param gradNorm          global gradient norm before clipping, last step
 * @param tokensPerSecond   trained (non-padding) tokens per second over the window
 * @param meanTokenAccuracy share of loss-carrying tokens the model predicted right (argmax), over the window
 * @param trainedTokens     tokens trained on so far
 * @param elapsedSeconds    wall time since the run started (or resumed)
 * @param etaSeconds        estimated seconds to the end
 */
public record TrainingMetrics(int step, int totalSteps, double epoch, double trainLoss, double learningRate,
                              double gradNorm, double tokensPerSecond, double meanTokenAccuracy, long trainedTokens,
                              double elapsedSeconds, double etaSeconds) {}
