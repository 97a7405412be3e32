package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors: model.safetensors, or shards listed in model.safetensors.index.json. Each tensor is
 * memory-mapped on its own, so files beyond 2 GiB work; F32 comes back zero-copy, BF16/F16/F64 converted.
 */
public final class SafetensorsReader implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final String source;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile.Entry> entries;
    private final Map<String, SafetensorsFile> owners;
    private final Map<String, String> metadata;

    private SafetensorsReader(String source, List<SafetensorsFile> files, Map<String, String> weightMap) {
        this.source = source;
        this.files = files;
        Map<String, SafetensorsFile.Entry> entries = new LinkedHashMap<>();
        Map<String, SafetensorsFile> owners = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (SafetensorsFile file : files) {
            metadata.putAll(file.metadata());
            file.entries().forEach((name, entry) -> {
                // With an index, the index decides which shard owns a name (a stray duplicate elsewhere is ignored).
                String owner = weightMap == null ? null : weightMap.get(name);
                if (owner == null || file.path().getFileName().toString().equals(owner)) {
                    entries.putIfAbsent(name, entry);
                    owners.putIfAbsent(name, file);
                }
            });
        }
        this.entries = Collections.unmodifiableMap(entries);
        this.owners = owners;
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens model.safetensors.index.json with its shards if present, else model.safetensors, in a model folder. */
    public static SafetensorsReader open(Path modelDir) {
        Path index = modelDir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndex(modelDir, index);
        }
        Path single = modelDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return openFile(single);
        }
        throw new ModelLoadException("model folder " + modelDir + " has neither " + SINGLE_FILE + " nor " + INDEX_FILE
                + "; point the model path at a Hugging Face folder with safetensors weights");
    }

    /** Opens one .safetensors file. */
    public static SafetensorsReader openFile(Path file) {
        return new SafetensorsReader(file.toString(), List.of(SafetensorsFile.open(file)), null);
    }

    private static SafetensorsReader openIndex(Path modelDir, Path index) {
        JsonNode weightMapNode;
        try {
            JsonNode root = new ObjectMapper().readTree(index.toFile());
            weightMapNode = root == null ? null : root.get("weight_map");
        } catch (IOException e) {
            throw new ModelLoadException(index + " is not valid JSON (" + e.getMessage() + "); re-download it", e);
        }
        if (weightMapNode == null || !weightMapNode.isObject() || weightMapNode.isEmpty()) {
            throw new ModelLoadException(index + " has no \"weight_map\" object naming the shard of each tensor");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        weightMapNode.fields().forEachRemaining(f -> weightMap.put(f.getKey(), f.getValue().asText()));
        Set<String> shardNames = new LinkedHashSet<>(weightMap.values());
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            for (String shardName : shardNames) {
                Path shard = modelDir.resolve(shardName).normalize();
                if (!shard.startsWith(modelDir.normalize()) || !Files.isRegularFile(shard)) {
                    throw new ModelLoadException("shard file " + shard + " listed in " + index
                            + " is missing; download all shards into " + modelDir);
                }
                files.add(SafetensorsFile.open(shard));
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        SafetensorsReader reader = new SafetensorsReader(modelDir.toString(), files, weightMap);
        for (Map.Entry<String, String> mapped : weightMap.entrySet()) {
            if (!reader.contains(mapped.getKey())) {
                reader.close();
                throw new ModelLoadException("tensor '" + mapped.getKey() + "' is listed in " + index + " under "
                        + mapped.getValue() + " but that shard does not contain it; re-download the shards");
            }
        }
        return reader;
    }

    public Set<String> tensorNames() {
        return entries.keySet();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public TensorInfo info(String name) {
        return entry(name).info();
    }

    /** F32 is a zero-copy read-only slice of the mapping; BF16, F16 and F64 are converted into a new direct buffer. */
    public FloatTensor readF32(String name) {
        SafetensorsFile.Entry entry = entry(name);
        TensorInfo info = entry.info();
        if (!entry.dtype().readableAsFloat()) {
            throw new ModelLoadException("tensor '" + name + "' in " + info.file() + " has dtype " + info.dtype()
                    + ", which cannot be read as float32 weights (supported: F32, BF16, F16, F64)");
        }
        ByteBuffer raw = owners.get(name).map(entry);
        if (entry.dtype() == SafetensorsDtype.F32) {
            return new FloatTensor(name, info.shape().clone(), raw);
        }
        long numel = info.numel();
        if (numel * 4 > Integer.MAX_VALUE) {
            throw new ModelLoadException("tensor '" + name + "' in " + info.file() + " would need " + numel * 4
                    + " bytes as float32; tensors of 2 GiB or more are not supported");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) (numel * 4)).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) numel;
        switch (entry.dtype()) {
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(4 * i, SafetensorsDtype.bf16ToFloat(raw.getShort(2 * i)));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(4 * i, Float.float16ToFloat(raw.getShort(2 * i)));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(4 * i, (float) raw.getDouble(8 * i));
                }
            }
            default -> throw new IllegalStateException("unreachable: " + entry.dtype());
        }
        return new FloatTensor(name, info.shape().clone(), out);
    }

    /** The __metadata__ of the file (for shards, all shards' metadata merged). */
    public Map<String, String> metadata() {
        return metadata;
    }

    private SafetensorsFile.Entry entry(String name) {
        SafetensorsFile.Entry entry = entries.get(name);
        if (entry == null) {
            throw new ModelLoadException("tensor '" + name + "' is not in the safetensors weights of " + source
                    + "; the checkpoint does not match the expected architecture");
        }
        return entry;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
