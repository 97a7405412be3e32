package dev.lorafoundry.engine;

/** A submitted sequence; cancelling frees its batch slot at the next step. */
public interface GenerationHandle {
    void cancel();
}
