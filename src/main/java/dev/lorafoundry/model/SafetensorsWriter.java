package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes float tensors as safetensors (F32, BF16 or F16), as one file or as shards with an index. */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_FLOATS = 1 << 16;

    private SafetensorsWriter() {}

    /**
     * Writes tensors in map order. Metadata always carries "format":"pt", which Hugging Face transformers
     * requires to load a checkpoint; the caller's entries are added to it.
     */
    public static void write(Path file, Map<String, FloatTensor> tensors, String dtype, Map<String, String> metadata) {
        SafetensorsDtype target = SafetensorsDtype.parseWritable(dtype);
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", "pt");
        if (metadata != null) {
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            long bytes = e.getValue().numel() * target.bytes();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", target.name());
            ArrayNode shape = entry.putArray("shape");
            for (long dim : e.getValue().shape()) {
                shape.add(dim);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerJson;
        try {
            headerJson = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("cannot encode the safetensors header for " + file, e);
        }
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (headerJson.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerJson);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, prefix);
                ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_FLOATS * target.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (FloatTensor tensor : tensors.values()) {
                    writeTensor(out, tensor, target, chunk, file);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot write safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Splits tensors (in map order) into contiguous shards of about equal bytes: model-0000i-of-0000n.safetensors
     * plus model.safetensors.index.json; shards == 1 writes model.safetensors alone.
     */
    public static void writeSharded(Path dir, Map<String, FloatTensor> tensors, String dtype, int shards) {
        SafetensorsDtype target = SafetensorsDtype.parseWritable(dtype);
        if (shards < 1 || shards > tensors.size()) {
            throw new ModelLoadException("cannot split " + tensors.size() + " tensors into " + shards
                    + " shards: choose between 1 and the number of tensors");
        }
        if (shards == 1) {
            write(dir.resolve(SafetensorsReader.SINGLE_FILE), tensors, dtype, Map.of());
            return;
        }
        long total = 0;
        for (FloatTensor t : tensors.values()) {
            total += t.numel() * target.bytes();
        }
        List<Map<String, FloatTensor>> groups = new ArrayList<>();
        Map<String, FloatTensor> current = new LinkedHashMap<>();
        long written = 0;
        int remainingTensors = tensors.size();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            int shardsLeft = shards - groups.size();
            // Close the current shard once it reaches its share, but keep one tensor for every later shard.
            boolean reachedShare = written * shards >= total * (groups.size() + 1);
            boolean mustClose = remainingTensors == shardsLeft - 1;
            if (!current.isEmpty() && shardsLeft > 1 && (reachedShare || mustClose)) {
                groups.add(current);
                current = new LinkedHashMap<>();
            }
            current.put(e.getKey(), e.getValue());
            written += e.getValue().numel() * target.bytes();
            remainingTensors--;
        }
        groups.add(current);
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < groups.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, groups.size());
            write(dir.resolve(name), groups.get(i), dtype, Map.of());
            groups.get(i).keySet().forEach(tensor -> weightMap.put(tensor, name));
        }
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        try {
            Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE),
                    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(index) + "\n");
        } catch (IOException e) {
            throw new ModelLoadException("cannot write " + dir.resolve(SafetensorsReader.INDEX_FILE), e);
        }
    }

    private static void writeTensor(FileChannel out, FloatTensor tensor, SafetensorsDtype target, ByteBuffer chunk,
            Path file) throws IOException {
        FloatBuffer values = tensor.floats();
        while (values.hasRemaining()) {
            chunk.clear();
            int n = Math.min(values.remaining(), CHUNK_FLOATS);
            for (int i = 0; i < n; i++) {
                float v = values.get();
                switch (target) {
                    case F32 -> chunk.putFloat(v);
                    case BF16 -> chunk.putShort(SafetensorsDtype.floatToBf16(v));
                    case F16 -> {
                        short half = Float.floatToFloat16(v);
                        // A finite weight that becomes infinite would silently poison the model; refuse instead.
                        if (Float.isFinite(v) && Float.isInfinite(Float.float16ToFloat(half))) {
                            throw new ModelLoadException("tensor '" + tensor.name() + "' holds " + v + " at element "
                                    + (values.position() - 1) + ", beyond F16's range (65504), so " + file
                                    + " cannot be written as F16; write BF16 or F32 instead");
                        }
                        chunk.putShort(half);
                    }
                    default -> throw new IllegalStateException("unwritable dtype " + target);
                }
            }
            chunk.flip();
            writeFully(out, chunk);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
