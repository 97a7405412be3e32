package dev.lorafoundry.engine;

import dev.lorafoundry.training.TrainingTurns;
import java.util.function.BooleanSupplier;

/**
 * Time-slices the CPU between inference steps (engine thread) and training micro-steps (training thread): never both
 * at once, so each may use every core. While both have work, training gets about {@code share} of the time (measured
 * in nanoseconds of turns since both became busy); when no inference is waiting, training runs flat out, and when no
 * run is active, inference never waits.
 */
final class CpuTurns implements TrainingTurns {

    private final double share;
    private boolean inferencePending;
    private boolean inferenceRunning;
    private boolean trainingActive;
    private boolean trainingRunning;
    private long trainingStarted;
    /** Turn time of each side since both have had work. */
    private long inferenceNanos;
    private long trainingNanos;

    CpuTurns(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("lorafoundry.training.share must be between 0 and 1, got " + share);
        }
        this.share = share;
    }

    // ---- engine thread ----

    /** Whether inference has sequences to run; when it has none, training need not leave it any time. */
    synchronized void inferencePending(boolean pending) {
        if (pending != inferencePending) {
            inferencePending = pending;
            inferenceNanos = 0;
            trainingNanos = 0;
            notifyAll();
        }
    }

    /** Waits until no training micro-step is computing, then holds the CPU for one inference step. */
    synchronized void beginInference() throws InterruptedException {
        while (trainingRunning) {
            wait();
        }
        inferenceRunning = true;
    }

    synchronized void endInference(long nanos) {
        inferenceRunning = false;
        if (trainingActive) {
            inferenceNanos += nanos;
        }
        notifyAll();
    }

    // ---- training thread ----

    @Override
    public synchronized void begin(BooleanSupplier stopWaiting) throws InterruptedException {
        trainingActive = true;
        while (inferenceRunning || (inferencePending && !trainingOwed(0))) {
            if (stopWaiting.getAsBoolean()) {
                break; // the caller is cancelling: let it reach its check at once, even with share 0
            }
            wait(50);
        }
        trainingRunning = true;
        trainingStarted = System.nanoTime();
    }

    @Override
    public synchronized void end() {
        if (!trainingRunning) {
            return;
        }
        trainingRunning = false;
        if (inferencePending) {
            trainingNanos += System.nanoTime() - trainingStarted;
        }
        notifyAll();
    }

    @Override
    public void offer(BooleanSupplier stopWaiting) throws InterruptedException {
        boolean yield;
        synchronized (this) {
            yield = trainingRunning && inferencePending && !trainingOwed(System.nanoTime() - trainingStarted);
        }
        if (yield) {
            end();
            begin(stopWaiting);
        }
    }

    @Override
    public synchronized void finish() {
        trainingActive = false;
        trainingRunning = false;
        inferenceNanos = 0;
        trainingNanos = 0;
        notifyAll();
    }

    /** Training's time (plus the current turn's) is within its share of the time both sides used. */
    private boolean trainingOwed(long running) {
        if (share <= 0) {
            return false;
        }
        return (trainingNanos + running) * (1 - share) <= inferenceNanos * share;
    }
}
