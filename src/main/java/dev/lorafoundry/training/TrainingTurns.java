package dev.lorafoundry.training;

/**
 * How a training run shares the CPU with serving: the trainer asks for a turn before each micro-step and gives it back
 * after; between layers it offers to pause when serving is owed time.
 */
public interface TrainingTurns {

    /** Blocks until training may compute, or until {@code stopWaiting} says the run is being cancelled. */
    void begin(java.util.function.BooleanSupplier stopWaiting) throws InterruptedException;

    /** Training stops computing until the next {@link #begin()}. */
    void end();

    /**
     * Inside a turn: gives the CPU to serving for a while if serving has waited long enough, then continues (the turn
     * is held again when this returns).
     */
    default void offer(java.util.function.BooleanSupplier stopWaiting) throws InterruptedException {}

    /** The run is over (no more turns will be asked for). */
    default void finish() {}

    /** Training alone on the CPU (no engine to share with). */
    static TrainingTurns exclusive() {
        return new TrainingTurns() {
            public void begin(java.util.function.BooleanSupplier stopWaiting) {}

            public void end() {}
        };
    }
}
