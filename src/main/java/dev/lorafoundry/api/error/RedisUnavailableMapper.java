package dev.lorafoundry.api.error;

import dev.lorafoundry.redis.RedisUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Redis down → 503 with the gateway's message (where Redis was expected and what to do), so clients can retry. */
public class RedisUnavailableMapper {

    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response redisUnavailable(RedisUnavailableException e) {
        return Response.status(503)
                .type(MediaType.APPLICATION_JSON)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(ErrorResponse.of(e.getMessage(), "service_unavailable", null, "redis_unavailable"))
                .build();
    }
}
