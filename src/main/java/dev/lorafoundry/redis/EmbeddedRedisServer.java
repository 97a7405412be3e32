package dev.lorafoundry.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A {@code redis-server} child process on a free loopback port, persisting to an append-only file in its own
 * directory, restarted whenever it dies and stopped with {@link #close()}. Used when no Redis host is configured,
 * so the service runs with nothing else installed but the Debian package.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedRedisServer.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Loading a large append-only file can take a while; redis answers -LOADING meanwhile, which counts as up. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** A server that ran this long before dying is restarted without delay: it was not crash-looping. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(30);
    private static final int LAUNCH_ATTEMPTS = 3;
    static final String LOG_FILE = "redis.log";
    static final String PID_FILE = "redis.pid";

    private final String command;
    private final Path dir;
    private final Object lock = new Object();
    private volatile Process process;
    private volatile int port;
    private volatile boolean closing;
    private volatile int restarts;
    private Thread supervisor;
    private Thread shutdownHook;

    /**
     * @param command the redis-server executable (a name looked up on the PATH, or a path)
     * @param dir     where the append-only file, the log and the pid file live (created if missing)
     */
    public EmbeddedRedisServer(String command, Path dir) {
        this.command = command;
        this.dir = dir.toAbsolutePath();
    }

    /**
     * Starts the server and its supervisor; returns once it answers PING.
     *
     * @throws RedisUnavailableException if it cannot be started, saying why and what to install or set
     */
    public void start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RedisUnavailableException("Cannot create the embedded Redis directory " + dir + ": " + e.getMessage()
                    + ". Make lorafoundry.data-dir writable, or set quarkus.redis.hosts to use an existing Redis.", e);
        }
        stopLeftoverServer();
        synchronized (lock) {
            launchWithRetries(freePort());
            supervisor = Thread.ofPlatform().daemon().name("embedded-redis-supervisor").start(this::supervise);
            shutdownHook = new Thread(this::stopProcess, "embedded-redis-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** {@code redis://127.0.0.1:port}; the port stays the same across restarts unless it was taken meanwhile. */
    public String connectionString() {
        return "redis://" + LOOPBACK.getHostAddress() + ":" + port;
    }

    /** The running server's process id, if it is running right now. */
    public Optional<Long> pid() {
        Process current = process;
        return current != null && current.isAlive() ? Optional.of(current.pid()) : Optional.empty();
    }

    /** How many times the supervisor restarted the server after it died. */
    public int restarts() {
        return restarts;
    }

    public Path directory() {
        return dir;
    }

    /** Stops the server (SIGTERM: Redis flushes its append-only file) and its supervisor. */
    @Override
    public void close() {
        closing = true;
        Thread watcher;
        synchronized (lock) {
            watcher = supervisor;
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the hook is running or will run; stopping twice is harmless
                }
            }
        }
        if (watcher != null) {
            watcher.interrupt();
        }
        stopProcess();
    }

    private void stopProcess() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("redis-server (pid %d) did not stop within %s; killing it", current.pid(), STOP_TIMEOUT);
                current.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the server to exit and starts it again, backing off while it keeps failing. */
    private void supervise() {
        Duration backoff = Duration.ofMillis(250);
        while (!closing) {
            Process current = process;
            long startedAt = System.nanoTime();
            try {
                if (current != null) {
                    int exit = current.waitFor();
                    if (closing) {
                        return;
                    }
                    LOG.warnf("redis-server (pid %d, port %d) exited with code %d; restarting it. Last lines of %s:%n%s",
                            current.pid(), port, exit, dir.resolve(LOG_FILE), logTail());
                    if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(STABLE_RUN) > 0) {
                        backoff = Duration.ofMillis(250);
                    }
                }
                Thread.sleep(backoff.toMillis());
                synchronized (lock) {
                    if (closing) {
                        return;
                    }
                    launchWithRetries(port);
                    restarts++;
                }
                LOG.infof("redis-server restarted (pid %d, port %d)", process.pid(), port);
            } catch (InterruptedException e) {
                return;
            } catch (RedisUnavailableException e) {
                process = null;
                LOG.errorf("Restarting redis-server failed: %s", e.getMessage());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Launches on {@code preferredPort}; if that port turns out to be taken, on another free one. */
    private void launchWithRetries(int preferredPort) {
        int candidate = preferredPort;
        RedisUnavailableException last = null;
        for (int attempt = 0; attempt < LAUNCH_ATTEMPTS; attempt++) {
            try {
                launch(candidate);
                return;
            } catch (RedisUnavailableException e) {
                last = e;
                if (!logTail().contains("Address already in use")) {
                    throw e;
                }
                candidate = freePort();
            }
        }
        throw last;
    }

    private void launch(int onPort) {
        List<String> args = List.of(command,
                "--port", Integer.toString(onPort),
                "--bind", LOOPBACK.getHostAddress(),
                "--dir", dir.toString(),
                "--appendonly", "yes",
                // Every write reaches the disk before Redis answers: a job's state and events survive a kill -9 of
                // redis-server itself (the default, everysec, could lose the last second). Our write rate is low.
                "--appendfsync", "always",
                "--save", "",
                "--daemonize", "no",
                "--pidfile", dir.resolve(PID_FILE).toString(),
                "--logfile", "");
        Process started;
        try {
            started = new ProcessBuilder(args)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()))
                    .start();
        } catch (IOException e) {
            throw new RedisUnavailableException("Could not start the embedded Redis ('" + command + "'): " + e.getMessage()
                    + ". Install Redis (Debian/Ubuntu: apt-get install redis-server) so redis-server is on the PATH,"
                    + " set lorafoundry.redis.server-command to its path, or set quarkus.redis.hosts to use an existing Redis.", e);
        }
        port = onPort;
        process = started;
        awaitReady(started, onPort);
    }

    private void awaitReady(Process started, int onPort) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new RedisUnavailableException("The embedded redis-server exited with code " + started.exitValue()
                        + " right after starting on port " + onPort + ". Last lines of " + dir.resolve(LOG_FILE) + ":\n" + logTail());
            }
            if (answersPing(onPort)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisUnavailableException("Interrupted while waiting for the embedded redis-server to start", e);
            }
        }
        started.destroyForcibly();
        throw new RedisUnavailableException("The embedded redis-server did not answer PING on port " + onPort + " within "
                + READY_TIMEOUT.toSeconds() + " s. Last lines of " + dir.resolve(LOG_FILE) + ":\n" + logTail());
    }

    /** True if the port answers PING with PONG, or with -LOADING (up, still reading its append-only file). */
    static boolean answersPing(int onPort) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, onPort), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return reply != null && (reply.equals("+PONG") || reply.startsWith("-LOADING"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A redis-server left running on this directory by a JVM that was killed (so it never stopped it) would share the
     * append-only file with the one we start: stop it first. Its pid file says which process it is.
     */
    private void stopLeftoverServer() {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().command().map(c -> c.contains("redis")).orElse(false))
                    .ifPresent(handle -> {
                        LOG.warnf("Stopping a redis-server (pid %d) left running on %s by an earlier run", pid, dir);
                        handle.destroy();
                        try {
                            handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (Exception e) {
                            handle.destroyForcibly();
                        }
                    });
        } catch (IOException | NumberFormatException e) {
            LOG.debugf("Ignoring unreadable %s: %s", pidFile, e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for the embedded Redis", e);
        }
    }

    /** The last lines redis-server logged: where the reason for a failed start is. */
    private String logTail() {
        Path logFile = dir.resolve(LOG_FILE);
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 8), lines.size())));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }
}
