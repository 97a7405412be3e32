package dev.lorafoundry.adapter;

/** A LoRA adapter folder that cannot be used; the message names the file and the field or tensor, and what was expected. */
public class AdapterFormatException extends RuntimeException {

    public AdapterFormatException(String message) {
        super(message);
    }

    public AdapterFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
