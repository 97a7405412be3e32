package dev.lorafoundry.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Counts every API response by endpoint and status (errors included, since mappers run before response filters). */
public class RequestCountingFilter {

    private static final Set<String> ENDPOINTS = Set.of(
            "/v1/models", "/v1/completions", "/v1/chat/completions", "/tokenize", "/detokenize");

    @Inject
    ApiMetrics metrics;

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        String endpoint = ENDPOINTS.contains(path) ? path : path.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
        metrics.request(endpoint, response.getStatus());
    }
}
