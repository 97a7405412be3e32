package dev.lorafoundry.tokenizer;

/** The chat template refused the messages (raise_exception) or could not be rendered; maps to HTTP 400. */
public class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }

    public ChatTemplateException(String message) {
        super(message);
    }
}
