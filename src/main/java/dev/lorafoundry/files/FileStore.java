package dev.lorafoundry.files;

import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.redis.RedisGateway;
import dev.lorafoundry.redis.RedisUnavailableException;
import io.quarkus.runtime.Startup;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Uploaded files: content under {@code <data-dir>/files/<id>}, metadata in the Redis hash {@code lf:file:<id>} and
 * the sorted set {@code lf:files} (by creation time) for listing. The content is complete on disk (written under a
 * temporary name, flushed, renamed) before the metadata is written, and the metadata write is the commit point; on
 * delete the metadata goes first. So a crash can leave a content file nobody refers to (swept at startup), but never
 * metadata that points at a missing or partial file.
 */
@Startup
@ApplicationScoped
public class FileStore {

    private static final Logger LOG = Logger.getLogger(FileStore.class);
    static final String INDEX = "lf:files";
    static final String KEY_PREFIX = "lf:file:";
    private static final String TEMP_PREFIX = ".upload-";
    /** Leftovers younger than this may belong to an upload in flight (another replica sharing the directory). */
    private static final Duration SWEEP_MIN_AGE = Duration.ofHours(1);
    private static final int LIST_BATCH = 200;

    @Inject
    RedisGateway redis;

    @Inject
    LoraFoundryConfig config;

    private Path dir;

    @PostConstruct
    void init() {
        dir = Path.of(config.dataDir(), "files").toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the files directory " + dir + "; make lorafoundry.data-dir writable", e);
        }
        Thread.ofVirtual().name("file-store-sweep").start(this::sweepLeftovers);
    }

    /**
     * Stores a validated upload. Takes the content file over (it is moved, not copied, when on the same disk).
     *
     * @throws RedisUnavailableException if the metadata cannot be written; nothing is kept then
     */
    public FileObject store(Path content, String filename, FilePurpose purpose) throws IOException {
        String id = FileIds.next();
        Path temp = dir.resolve(TEMP_PREFIX + id);
        Path target = dir.resolve(id);
        try {
            Files.move(content, temp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            flushDirectory();
        } finally {
            Files.deleteIfExists(temp);
        }
        Instant now = Instant.now();
        FileObject file = FileObject.processed(id, Files.size(target), now.getEpochSecond(), filename, purpose.value());
        try {
            redis.transaction(List.of(
                    RedisGateway.request(Command.HSET, KEY_PREFIX + id,
                            "id", id, "bytes", file.bytes(), "created_at", file.createdAt(),
                            "filename", filename, "purpose", file.purpose(), "status", file.status()),
                    RedisGateway.request(Command.ZADD, INDEX, now.toEpochMilli(), id)));
        } catch (RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return file;
    }

    public Optional<FileObject> find(String id) {
        if (!FileIds.isWellFormed(id)) {
            return Optional.empty();
        }
        return fromHash(RedisGateway.asMap(redis.send(Command.HGETALL, KEY_PREFIX + id)));
    }

    /** The file's content on disk. */
    public Path contentPath(FileObject file) {
        Path path = dir.resolve(file.id());
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("The content of " + file.id() + " is missing from " + path
                    + " although its metadata exists; was the data directory changed or cleaned by hand?");
        }
        return path;
    }

    /** Deletes metadata (the commit point) and then content; false if there was no such file. */
    public boolean delete(String id) throws IOException {
        if (!FileIds.isWellFormed(id)) {
            return false;
        }
        List<Response> replies = redis.transaction(List.of(
                RedisGateway.request(Command.DEL, KEY_PREFIX + id),
                RedisGateway.request(Command.ZREM, INDEX, id)));
        Files.deleteIfExists(dir.resolve(id));
        return replies.getFirst().toLong() > 0;
    }

    /**
     * Files in creation order (newest first unless {@code ascending}), optionally only one purpose, starting after the
     * file {@code after}.
     *
     * @throws UnknownFileException if {@code after} names no stored file
     */
    public FilePage list(Optional<String> purpose, Optional<String> after, int limit, boolean ascending) {
        long position = 0;
        if (after.isPresent()) {
            Response rank = FileIds.isWellFormed(after.get())
                    ? redis.send(ascending ? Command.ZRANK : Command.ZREVRANK, INDEX, after.get()) : null;
            if (rank == null) {
                throw new UnknownFileException(after.get());
            }
            position = rank.toLong() + 1;
        }
        List<FileObject> page = new ArrayList<>();
        while (true) {
            Response ids = redis.send(ascending ? Command.ZRANGE : Command.ZREVRANGE, INDEX, position, position + LIST_BATCH - 1);
            if (ids == null || ids.size() == 0) {
                return new FilePage(page, false);
            }
            List<Request> reads = new ArrayList<>();
            ids.forEach(id -> reads.add(RedisGateway.request(Command.HGETALL, KEY_PREFIX + id.toString())));
            for (Response hash : redis.pipeline(reads)) {
                Optional<FileObject> file = fromHash(RedisGateway.asMap(hash));
                if (file.isEmpty() || purpose.filter(p -> !p.equals(file.get().purpose())).isPresent()) {
                    continue;
                }
                if (page.size() == limit) {
                    return new FilePage(page, true);
                }
                page.add(file.get());
            }
            if (ids.size() < LIST_BATCH) {
                return new FilePage(page, false);
            }
            position += ids.size();
        }
    }

    private static Optional<FileObject> fromHash(Map<String, String> hash) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(FileObject.processed(hash.get("id"), Long.parseLong(hash.get("bytes")),
                Long.parseLong(hash.get("created_at")), hash.get("filename"), hash.get("purpose")));
    }

    /** Makes the rename durable too, so a power cut cannot undo it after the metadata is written. */
    private void flushDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debugf("Could not flush the directory %s: %s", dir, e.getMessage()); // not supported on every file system
        }
    }

    /** Removes temporary files and content without metadata that crashes left behind. */
    private void sweepLeftovers() {
        Instant cutoff = Instant.now().minus(SWEEP_MIN_AGE);
        List<Path> old;
        try (Stream<Path> entries = Files.list(dir)) {
            old = entries.filter(path -> isOlderThan(path, cutoff)).toList();
        } catch (IOException e) {
            LOG.warnf("Could not list %s to sweep leftovers: %s", dir, e.getMessage());
            return;
        }
        List<Path> temps = old.stream().filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList();
        List<Path> contents = old.stream().filter(p -> FileIds.isWellFormed(p.getFileName().toString())).toList();
        List<Path> orphans = new ArrayList<>(temps);
        if (!contents.isEmpty()) {
            try {
                List<Request> checks = contents.stream()
                        .map(p -> RedisGateway.request(Command.EXISTS, KEY_PREFIX + p.getFileName())).toList();
                List<Response> exists = redis.pipeline(checks);
                for (int i = 0; i < contents.size(); i++) {
                    if (exists.get(i).toLong() == 0) {
                        orphans.add(contents.get(i));
                    }
                }
            } catch (RedisUnavailableException e) {
                LOG.debugf("Redis unavailable; content without metadata is swept at a later start: %s", e.getMessage());
            }
        }
        for (Path orphan : orphans) {
            try {
                Files.deleteIfExists(orphan);
                LOG.infof("Removed %s, left behind by an interrupted upload or delete", orphan);
            } catch (IOException e) {
                LOG.warnf("Could not remove %s: %s", orphan, e.getMessage());
            }
        }
    }

    private static boolean isOlderThan(Path path, Instant cutoff) {
        try {
            return Files.isRegularFile(path) && Files.getLastModifiedTime(path).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }
}
