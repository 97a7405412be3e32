package dev.lorafoundry.tokenizer;

/** Thrown by the template's raise_exception(msg); carries the template author's message out of jinjava. */
final class TemplateRaisedException extends RuntimeException {
    TemplateRaisedException(String message) {
        super(message, null, false, false);
    }
}
