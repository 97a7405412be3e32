package dev.lorafoundry.training;

import java.nio.file.Path;

/** Hears a training run's progress (called on the training thread; must not block). */
public interface TrainingListener {

    /** Data loaded and encoded: how many examples (after problems were skipped) and optimizer steps there will be. */
    default void onStart(int examples, int totalSteps, int skippedRecords) {}

    default void onMetrics(TrainingMetrics metrics) {}

    default void onEvaluation(int step, double validLoss, double validMeanTokenAccuracy) {}

    /** A resumable checkpoint (adapter + optimizer + scheduler + data position + RNG) was written. */
    default void onCheckpoint(int step, Path dir) {}

    /** Something a user should read (skipped records, truncations, resumption). */
    default void onMessage(String message) {}
}
