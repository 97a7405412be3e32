package dev.lorafoundry.model;

/** A model folder or file that cannot be used; the message names the file, field or tensor and what to do. */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
