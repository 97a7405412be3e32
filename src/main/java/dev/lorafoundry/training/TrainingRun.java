package dev.lorafoundry.training;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;

/** The handle of a run: its completion, and the flag that stops it at the next micro-step. */
final class TrainingRun implements TrainingHandle {

    private final CompletableFuture<TrainingResult> completion = new CompletableFuture<>();
    private volatile boolean cancelled;

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public CompletableFuture<TrainingResult> completion() {
        return completion;
    }

    boolean isCancelled() {
        return cancelled || completion.isCancelled();
    }

    /** Throws when the run was cancelled (by {@link #cancel()} or by cancelling the completion future). */
    void checkCancelled(int step) {
        if (isCancelled()) {
            throw new CancellationException("training was cancelled at step " + step);
        }
    }
}
