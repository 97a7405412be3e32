package dev.lorafoundry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.api.error.ErrorResponse;
import dev.lorafoundry.engine.EngineOverloadedException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * Writes a generation endpoint's answer: one JSON document, or a server-sent-event stream of JSON chunks ending with
 * {@code data: [DONE]}. Both go through one {@link RestMulti} so a single endpoint can answer either way (the
 * {@code stream} flag is in the body, which JAX-RS cannot dispatch on); we frame the bytes ourselves.
 */
@ApplicationScoped
class HttpReplies {

    private static final Logger LOG = Logger.getLogger(HttpReplies.class);

    @Inject
    ObjectMapper mapper;

    /** A plain JSON response; if the body fails before anything is written, the exception mappers answer instead. */
    RestMulti<Buffer> json(Uni<?> body) {
        return RestMulti.fromMultiData(body.toMulti().map(this::bytes))
                .encodeAsJsonArray(false)
                .header("Content-Type", "application/json")
                .build();
    }

    /** An SSE stream; a failure after the stream started becomes a final {@code data: {"error":...}} event. */
    RestMulti<Buffer> sse(Multi<?> chunks) {
        Multi<Buffer> events = chunks
                .map(chunk -> event(bytes(chunk)))
                .onFailure().recoverWithItem(error -> event(bytes(errorBody(error))))
                .onCompletion().continueWith(event(Buffer.buffer("[DONE]")));
        return RestMulti.fromMultiData(events)
                .encodeAsJsonArray(false)
                .header("Content-Type", "text/event-stream")
                .header("Cache-Control", "no-cache")
                .build();
    }

    private static Buffer event(Buffer data) {
        return Buffer.buffer("data: ").appendBuffer(data).appendString("\n\n");
    }

    private ErrorResponse errorBody(Throwable error) {
        if (error instanceof ApiException api) {
            return api.toResponse();
        }
        if (error instanceof EngineOverloadedException) {
            return ErrorResponse.of(error.getMessage() + " Retry the request later.", "server_overloaded", null, "overloaded");
        }
        LOG.error("Generation failed after the stream started", error);
        return ErrorResponse.of("Generation failed on the server; the cause was logged. Retry the request.", "server_error", null, null);
    }

    private Buffer bytes(Object value) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
