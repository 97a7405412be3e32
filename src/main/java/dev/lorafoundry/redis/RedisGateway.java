package dev.lorafoundry.redis;

import dev.lorafoundry.config.LoraFoundryConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one way the service talks to Redis: the Redis at {@code quarkus.redis.hosts} when that is set, otherwise an
 * {@link EmbeddedRedisServer} under {@code <data-dir>/redis} that this bean starts, supervises and stops. Calls block
 * (on worker threads) for at most {@code lorafoundry.redis.timeout} and throw {@link RedisUnavailableException} when
 * Redis cannot answer, which the API turns into a 503. Starting never fails the service: chat needs no Redis.
 *
 * <p>The client is built here rather than through Quarkus' Redis extension because the embedded server's address is
 * only known after it started, and can change if it has to be restarted on another port.
 */
@Startup
@ApplicationScoped
public class RedisGateway {

    private static final Logger LOG = Logger.getLogger(RedisGateway.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    @Inject
    Vertx vertx;

    @Inject
    LoraFoundryConfig config;

    /** Quarkus' own key for the Redis address, so the usual QUARKUS_REDIS_HOSTS setting (docker-compose) works. */
    @ConfigProperty(name = "quarkus.redis.hosts")
    Optional<List<String>> configuredHosts;

    @ConfigProperty(name = "quarkus.redis.password")
    Optional<String> configuredPassword;

    private EmbeddedRedisServer embedded;
    /** Why the embedded server could not start, when it could not; reported in every 503. */
    private volatile String embeddedFailure;
    private Redis client;
    private String clientEndpoint;

    @PostConstruct
    void start() {
        if (configuredHosts.isPresent() && !configuredHosts.get().isEmpty()) {
            if (configuredHosts.get().size() > 1) {
                LOG.warnf("quarkus.redis.hosts lists %d hosts; using the first, %s", configuredHosts.get().size(),
                        configuredHosts.get().getFirst());
            }
            LOG.infof("Using the Redis at %s (quarkus.redis.hosts)", redacted(configuredHosts.get().getFirst()));
            return;
        }
        embedded = new EmbeddedRedisServer(config.redis().serverCommand(), Path.of(config.dataDir(), "redis"));
        try {
            embedded.start();
            LOG.infof("Started the embedded Redis at %s (pid %d, data in %s)", embedded.connectionString(),
                    embedded.pid().orElse(-1L), embedded.directory());
        } catch (RedisUnavailableException e) {
            embeddedFailure = e.getMessage();
            embedded = null;
            LOG.errorf("No Redis: file and fine-tuning endpoints will answer 503, chat keeps working. %s", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        synchronized (this) {
            if (client != null) {
                client.close();
                client = null;
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    /** Sends one command and waits for its reply. */
    public Response send(Command command, Object... args) {
        return await(client().send(request(command, args)), command.toString());
    }

    /** Sends the commands on one connection without waiting in between; replies come back in order. */
    public List<Response> pipeline(List<Request> requests) {
        return await(client().batch(requests), "a pipeline of " + requests.size() + " commands");
    }

    /** Runs the commands atomically (MULTI ... EXEC on one connection) and returns their replies. */
    public List<Response> transaction(List<Request> requests) {
        List<Request> wrapped = new ArrayList<>(requests.size() + 2);
        wrapped.add(Request.cmd(Command.MULTI));
        wrapped.addAll(requests);
        wrapped.add(Request.cmd(Command.EXEC));
        List<Response> replies = await(client().batch(wrapped), "a transaction of " + requests.size() + " commands");
        Response exec = replies.getLast();
        if (exec == null) {
            throw new IllegalStateException("Redis aborted a transaction without a WATCH; this should not happen");
        }
        List<Response> results = new ArrayList<>(exec.size());
        exec.forEach(results::add);
        return results;
    }

    /** Builds a command with its arguments (strings, numbers or byte arrays). */
    public static Request request(Command command, Object... args) {
        Request request = Request.cmd(command);
        for (Object arg : args) {
            switch (arg) {
                case byte[] bytes -> request.arg(bytes);
                case Long number -> request.arg(number);
                case Integer number -> request.arg(number.longValue());
                default -> request.arg(String.valueOf(arg));
            }
        }
        return request;
    }

    /** A hash reply (HGETALL) as a map, whether the server speaks RESP2 (flat pairs) or RESP3 (a map). */
    public static Map<String, String> asMap(Response reply) {
        Map<String, String> map = new LinkedHashMap<>();
        if (reply == null) {
            return map;
        }
        if (reply.isMap()) {
            for (String key : reply.getKeys()) {
                map.put(key, reply.get(key).toString());
            }
            return map;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            map.put(reply.get(i).toString(), reply.get(i + 1).toString());
        }
        return map;
    }

    /** The embedded server's process id while it runs; empty with an external Redis. */
    public Optional<Long> embeddedPid() {
        return embedded == null ? Optional.empty() : embedded.pid();
    }

    private synchronized Redis client() {
        String endpoint = endpoint();
        if (client == null || !endpoint.equals(clientEndpoint)) {
            if (client != null) {
                client.close();
            }
            RedisOptions options = new RedisOptions()
                    .setConnectionString(endpoint)
                    .setMetricsName("lorafoundry") // apart from any client Quarkus' Redis extension creates itself
                    .setMaxPoolSize(8)
                    .setMaxPoolWaiting(256)
                    .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
            configuredPassword.ifPresent(options::setPassword);
            client = Redis.createClient(vertx, options);
            clientEndpoint = endpoint;
        }
        return client;
    }

    private String endpoint() {
        if (configuredHosts.isPresent() && !configuredHosts.get().isEmpty()) {
            return configuredHosts.get().getFirst();
        }
        if (embedded == null) {
            throw new RedisUnavailableException("Redis is not available: " + embeddedFailure
                    + " File and fine-tuning endpoints need Redis; chat and completions work without it.");
        }
        return embedded.connectionString();
    }

    private <T> T await(Future<T> future, String what) {
        Duration timeout = config.redis().timeout();
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unavailable("did not answer " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ErrorType error && !isTransient(error)) {
                throw new IllegalStateException("Redis refused " + what + ": " + error.getMessage(), error);
            }
            throw unavailable("failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
    }

    /** Replies that mean "not now" rather than "wrong command": the server is loading, failing over or busy. */
    private static boolean isTransient(ErrorType error) {
        return List.of("LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN").stream().anyMatch(error::is);
    }

    private RedisUnavailableException unavailable(String problem, Throwable cause) {
        String where;
        String remedy;
        if (embedded != null) {
            where = "The embedded Redis (" + embedded.connectionString() + ", data in " + embedded.directory() + ")";
            remedy = " It is restarted automatically when it dies; retry in a few seconds (its log: "
                    + embedded.directory().resolve(EmbeddedRedisServer.LOG_FILE) + ").";
        } else {
            where = "The Redis at " + redacted(endpointOrUnknown()) + " (quarkus.redis.hosts)";
            remedy = " Start Redis there or point quarkus.redis.hosts at a running one, then retry.";
        }
        return new RedisUnavailableException(where + " " + problem + "." + remedy
                + " File and fine-tuning endpoints need Redis; chat and completions work without it.", cause);
    }

    private String endpointOrUnknown() {
        return configuredHosts.filter(h -> !h.isEmpty()).map(List::getFirst).orElse("(unknown)");
    }

    /** A connection string without its password, for logs and error messages. */
    private static String redacted(String endpoint) {
        return endpoint.replaceAll("//[^@/]*@", "//***@");
    }
}
