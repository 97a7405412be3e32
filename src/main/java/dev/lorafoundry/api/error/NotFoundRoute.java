package dev.lorafoundry.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Answers paths no resource handles with the OpenAI 404 JSON instead of Vert.x's HTML page. */
@ApplicationScoped
public class NotFoundRoute {

    @Inject
    ObjectMapper mapper;

    void register(@Observes Router router) {
        // Last in line: runs only when neither Quarkus REST nor a /q/ endpoint took the request.
        router.route().order(Integer.MAX_VALUE).handler(ctx -> ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "application/json")
                .end(body(ctx.request().path())));
    }

    private String body(String path) {
        try {
            return mapper.writeValueAsString(ErrorResponse.of(
                    "No such endpoint: " + path + ". See /q/openapi for the available paths.", "not_found_error", null, null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
