package dev.lorafoundry.redis;

/**
 * Redis cannot be reached (down, restarting, loading its data, or too slow); the message says where it was looked
 * for and what to do. Endpoints that need Redis answer 503 with it; nothing else depends on Redis.
 */
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message);
    }

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
