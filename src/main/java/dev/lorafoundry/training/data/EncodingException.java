package dev.lorafoundry.training.data;

/** A conversation or document that cannot be turned into training tokens; the message says which and why. */
public final class EncodingException extends RuntimeException {

    public EncodingException(String message) {
        super(message);
    }

    public EncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
