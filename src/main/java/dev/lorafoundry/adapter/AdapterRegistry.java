package dev.lorafoundry.adapter;

import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.model.lora.ProjectionKind;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The adapters this service knows: found in the adapters folder at start-up (config only; weights are read on first
 * use), registered from a path, uploaded, or trained. Hands the engine a {@link LoraRequest} whose weights are read
 * and prepared on a loader thread, so a new adapter never stalls the running batch.
 */
@Singleton
public class AdapterRegistry {

    private static final Logger LOG = Logger.getLogger(AdapterRegistry.class);

    private final Engine engine;
    private final Path adaptersDir;
    private final ConcurrentHashMap<String, AdapterEntry> entries = new ConcurrentHashMap<>();
    private final ExecutorService loader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("adapter-loader").daemon(true).factory());

    public AdapterRegistry(Engine engine, LoraFoundryConfig config) {
        this.engine = engine;
        this.adaptersDir = Path.of(config.adapters().dir()).toAbsolutePath().normalize();
        scan();
    }

    /** Registers every sub-folder of the adapters folder that holds an adapter_config.json (metadata only). */
    private void scan() {
        if (!Files.isDirectory(adaptersDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(adaptersDir)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve(AdapterConfig.FILE_NAME))).sorted().toList()) {
                String name = dir.getFileName().toString();
                try {
                    checkName(name);
                    entries.put(name, entry(name, dir, AdapterSource.DISK, false));
                } catch (RuntimeException e) {
                    LOG.warnf("Skipping adapter folder %s: %s", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the adapters folder " + adaptersDir, e);
        }
        if (!entries.isEmpty()) {
            LOG.infof("Found %d adapter(s) in %s: %s", entries.size(), adaptersDir, String.join(", ", names()));
        }
    }

    private AdapterEntry entry(String name, Path dir, AdapterSource source, boolean owned) {
        AdapterConfig config = AdapterConfig.read(dir.resolve(AdapterConfig.FILE_NAME));
        config.requireSupportedTargets(engine.modelConfig());
        List<String> targets = new ArrayList<>();
        for (ProjectionKind kind : ProjectionKind.values()) {
            for (int layer = 0; layer < engine.modelConfig().numLayers(); layer++) {
                if (config.targets(layer, kind)) {
                    targets.add(kind.moduleName());
                    break;
                }
            }
        }
        Path weights = dir.resolve(PeftAdapterReader.WEIGHTS_FILE);
        long bytes;
        try {
            bytes = Files.isRegularFile(weights) ? Files.size(weights) : 0;
        } catch (IOException e) {
            bytes = 0;
        }
        return new AdapterEntry(name, dir, config, List.copyOf(targets), bytes, source, owned,
                System.currentTimeMillis() / 1000);
    }

    /** The adapters folder (uploads and trained adapters are written under it). */
    public Path adaptersDir() {
        return adaptersDir;
    }

    public List<AdapterEntry> list() {
        return entries.values().stream().sorted(Comparator.comparing(AdapterEntry::name)).toList();
    }

    public List<String> names() {
        return list().stream().map(AdapterEntry::name).toList();
    }

    public Optional<AdapterEntry> find(String name) {
        return Optional.ofNullable(name == null ? null : entries.get(name));
    }

    public AdapterEntry require(String name) {
        return find(name).orElseThrow(() -> AdapterException.notFound(name));
    }

    public boolean isResident(String name) {
        return engine.residentAdapters().contains(name);
    }

    /**
     * Registers the adapter in {@code dir} under {@code name} after reading and checking all of it against the base
     * model, so a broken adapter is refused now (naming the bad tensor) rather than failing a later request.
     */
    public AdapterEntry register(String name, Path dir, AdapterSource source, boolean ownedFiles) {
        checkName(name);
        if (!Files.isDirectory(dir)) {
            throw new AdapterException(AdapterException.Kind.INVALID, "lora_path",
                    "Adapter folder " + dir + " does not exist on the server");
        }
        PeftAdapterReader.read(dir, engine.modelConfig()); // full validation: shapes, names, dtypes, truncation
        AdapterEntry entry = entry(name, dir, source, ownedFiles);
        if (entries.putIfAbsent(name, entry) != null) {
            throw new AdapterException(AdapterException.Kind.CONFLICT, "lora_name",
                    "An adapter named '" + name + "' is already registered; unload it first or pick another name");
        }
        LOG.infof("Registered adapter %s (%s, rank %d, %s) from %s", name, source.label(), entry.config().r(),
                String.join(",", entry.targets()), dir);
        return entry;
    }

    /** Writes an upload's files into a folder (the staging folder it is given). */
    @FunctionalInterface
    public interface UploadWriter {
        void writeTo(Path folder) throws IOException;
    }

    /**
     * Stores an uploaded adapter under the adapters folder and registers it; anything wrong (size, format, name)
     * leaves nothing behind.
     */
    public AdapterEntry upload(String name, UploadWriter writer) {
        checkName(name);
        if (entries.containsKey(name)) {
            throw new AdapterException(AdapterException.Kind.CONFLICT, "name",
                    "An adapter named '" + name + "' is already registered; delete it first or pick another name");
        }
        Path target = adaptersDir.resolve(AdapterNames.folderName(name));
        Path staging = null;
        try {
            Files.createDirectories(adaptersDir);
            staging = Files.createTempDirectory(adaptersDir, ".upload-");
            writer.writeTo(staging);
            PeftAdapterReader.read(staging, engine.modelConfig());
            if (Files.exists(target)) {
                throw new AdapterException(AdapterException.Kind.CONFLICT, "name", "The adapters folder already has "
                        + target.getFileName() + "; pick another name");
            }
            Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            return register(name, target, AdapterSource.UPLOAD, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the adapter upload: " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                deleteRecursively(staging);
            }
        }
    }

    /**
     * Forgets the adapter and drops it from the engine (running requests finish first). Deletes its folder when the
     * service owns it and {@code deleteFiles} is set.
     */
    public AdapterEntry unregister(String name, boolean deleteFiles) {
        AdapterEntry entry = entries.remove(name);
        if (entry == null) {
            throw AdapterException.notFound(name);
        }
        engine.unloadAdapter(name);
        if (deleteFiles && entry.ownedFiles()) {
            deleteRecursively(entry.dir());
        }
        return entry;
    }

    public void pin(String name, boolean pin) {
        require(name);
        engine.pinAdapter(name, pin);
    }

    private void checkName(String name) {
        String problem = AdapterNames.problem(name);
        if (problem != null) {
            throw new AdapterException(AdapterException.Kind.INVALID, "lora_name", problem);
        }
        if (name.equals(engine.servedModel().id())) {
            throw new AdapterException(AdapterException.Kind.INVALID, "lora_name",
                    "'" + name + "' is the base model's id; give the adapter another name");
        }
    }

    /** What the engine needs to run a request on this adapter. */
    public LoraRequest request(AdapterEntry entry) {
        return new LoraRequest(entry.name(), () -> load(entry));
    }

    private CompletableFuture<PreparedLora> load(AdapterEntry entry) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            LoadedAdapter loaded = PeftAdapterReader.read(entry.dir(), engine.modelConfig());
            PreparedLora prepared = engine.prepareAdapter(entry.name(), loaded.weights());
            LOG.debugf("Loaded adapter %s (%d bytes) in %.1f ms", entry.name(), prepared.sizeBytes(),
                    (System.nanoTime() - started) / 1e6);
            return prepared;
        }, loader);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", dir, e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        loader.shutdownNow();
    }
}
