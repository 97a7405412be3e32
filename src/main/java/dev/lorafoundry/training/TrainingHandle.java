package dev.lorafoundry.training;

import java.util.concurrent.CompletableFuture;

/** A running training run: cancel it, or wait for its result. */
public interface TrainingHandle {

    /** Stops the run at the next optimizer step (within one step); {@link #completion()} then fails with a CancellationException. */
    void cancel();

    /** Completes with the result, or exceptionally with the reason the run failed or was cancelled. */
    CompletableFuture<TrainingResult> completion();
}
