package dev.lorafoundry.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real redis-server, started, killed, restarted and stopped; talked to over a raw socket, not our client. */
class EmbeddedRedisServerTest {

    @TempDir
    Path dir;

    @Test
    void restartsAfterBeingKilledWithItsDataAndStopsOnClose() throws Exception {
        EmbeddedRedisServer server = new EmbeddedRedisServer("redis-server", dir);
        server.start();
        int port = URI.create(server.connectionString()).getPort();
        long firstPid = server.pid().orElseThrow();
        try {
            assertEquals("+OK", command(port, "SET lf:test kept"));
            assertTrue(Files.isDirectory(dir.resolve("appendonlydir")), "append-only persistence in the given directory");

            ProcessHandle first = ProcessHandle.of(firstPid).orElseThrow();
            first.destroyForcibly();
            first.onExit().get();
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline && (!EmbeddedRedisServer.answersPing(port) || server.restarts() < 1)) {
                Thread.sleep(50);
            }
            assertTrue(EmbeddedRedisServer.answersPing(port), "restarted on the same port");
            assertNotEquals(firstPid, server.pid().orElseThrow());
            assertEquals(1, server.restarts());
            assertEquals("$4", command(port, "GET lf:test"), "the value survived (append-only file)");
        } finally {
            server.close();
        }
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(server.pid().isEmpty());
        assertFalse(EmbeddedRedisServer.answersPing(port), "nothing listens after close()");
    }

    @Test
    void aMissingExecutableSaysWhatToInstall() {
        EmbeddedRedisServer server = new EmbeddedRedisServer("no-such-redis-server-binary", dir);
        RedisUnavailableException e = assertThrows(RedisUnavailableException.class, server::start);
        assertTrue(e.getMessage().contains("apt-get install redis-server"), e.getMessage());
        assertTrue(e.getMessage().contains("quarkus.redis.hosts"), e.getMessage());
        server.close();
    }

    @Test
    void aServerLeftRunningByAKilledJvmIsStoppedFirst() throws Exception {
        // What a JVM killed with SIGKILL leaves behind: a redis-server on the directory, its pid file, no supervisor.
        Process orphan = new ProcessBuilder("redis-server", "--port", "0", "--unixsocket", dir.resolve("orphan.sock").toString(),
                "--dir", dir.toString(), "--pidfile", dir.resolve(EmbeddedRedisServer.PID_FILE).toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orphan.log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !Files.exists(dir.resolve(EmbeddedRedisServer.PID_FILE))) {
            Thread.sleep(20);
        }
        EmbeddedRedisServer server = new EmbeddedRedisServer("redis-server", dir);
        try {
            server.start();
            assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the leftover server was stopped");
            assertTrue(server.pid().isPresent());
            assertNotEquals(orphan.pid(), server.pid().orElseThrow());
        } finally {
            server.close();
            orphan.destroyForcibly();
        }
    }

    /** Sends an inline command and returns the first line of the reply. */
    private static String command(int port, String command) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
