package dev.lorafoundry.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.config.LoraFoundryConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request body over {@code quarkus.http.limits.max-body-size} is refused before any resource runs; Quarkus would
 * answer with an empty 413 and close the connection while the client is still sending (most clients then report a
 * reset, not the 413). This answers first, with the OpenAI error JSON naming both limits, and reads the rest of the
 * body so the client gets to read the answer.
 */
@ApplicationScoped
public class BodyTooLargeRoute {

    @Inject
    ObjectMapper mapper;

    @Inject
    LoraFoundryConfig config;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    /** Quarkus' own Content-Length check runs at order -2. */
    private static final int BEFORE_QUARKUS_LIMIT_CHECK = -3;
    /** Bodies declared larger than this many times the limit are not read to the end: the connection is closed. */
    private static final int DRAIN_FACTOR = 4;

    void register(@Observes Router router) {
        router.route().order(BEFORE_QUARKUS_LIMIT_CHECK).handler(this::checkDeclaredLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::answerFailure);
    }

    private void checkDeclaredLength(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long declared = declaredLength(request);
        if (maxBodySize.isEmpty() || declared <= maxBodySize.get().asLongValue()) {
            ctx.next();
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json");
        boolean bodyWithheld = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
        if (bodyWithheld || declared > DRAIN_FACTOR * maxBodySize.get().asLongValue()) {
            response.putHeader("Connection", "close");
            response.end(body(declared)).onComplete(done -> request.connection().close());
            return;
        }
        request.handler(ignored -> { }).resume();
        response.end(body(declared));
    }

    /** Bodies without a Content-Length that grow past the limit fail later, with 413 as the failure status. */
    private void answerFailure(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json").end(body(declaredLength(ctx.request())));
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            String header = request.getHeader("Content-Length");
            return header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String body(long declared) {
        String size = declared < 0 ? "The request body" : "The request body (" + declared + " bytes)";
        String limit = maxBodySize.map(m -> " (quarkus.http.limits.max-body-size = " + m.asLongValue() + " bytes)").orElse("");
        String message = size + " is larger than this server accepts" + limit + ". Uploaded files may be at most "
                + config.files().maxBytes().asLongValue() + " bytes (lorafoundry.files.max-bytes); split larger datasets"
                + " into several files or raise both limits.";
        try {
            return mapper.writeValueAsString(ErrorResponse.of(message, "invalid_request_error", null, "request_too_large"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
