package dev.lorafoundry.engine;

/** The request queue is full; the caller should retry later (HTTP 429). */
public class EngineOverloadedException extends RuntimeException {
    public EngineOverloadedException(String message) {
        super(message);
    }
}
