package dev.lorafoundry.training;

import java.nio.file.Path;

/**
 * A finished run.
 *
 * @param adapterDir    the trained adapter in PEFT format
 * @param steps         optimizer steps taken
 * @param trainedTokens tokens trained on
 * @param finalLoss     mean training loss of the last logging window
 */
public record TrainingResult(Path adapterDir, int steps, long trainedTokens, double finalLoss) {}
