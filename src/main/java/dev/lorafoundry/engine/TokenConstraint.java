package dev.lorafoundry.engine;

/**
 * Restricts which tokens a sequence may produce next (constrained decoding). Called on the engine thread only:
 * {@link #maskLogits} before each sampling step, {@link #accept} with the token that was chosen.
 */
public interface TokenConstraint {

    /** Sets the logits of every token that is not allowed next to negative infinity. */
    void maskLogits(float[] logits, int offset, int vocabSize);

    /** Advances the constraint past the chosen token (which {@link #maskLogits} allowed). */
    void accept(int tokenId);

    /** True once the constrained output is complete; the engine then ends the sequence with finish reason stop. */
    boolean isComplete();
}
