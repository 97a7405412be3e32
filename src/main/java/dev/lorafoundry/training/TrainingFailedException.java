package dev.lorafoundry.training;

/** A training run stopped by an error: the message says at which step and why. */
public class TrainingFailedException extends RuntimeException {

    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
