package dev.lorafoundry.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** One validated .safetensors file: its parsed header, and memory maps of single tensors on demand. */
final class SafetensorsFile implements AutoCloseable {

    /** Headers above this are refused, as the reference implementation does (100 MB). */
    private static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Entry(TensorInfo info, SafetensorsDtype dtype, long begin, long end) {}

    private final Path path;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private FileChannel channel;

    private SafetensorsFile(Path path, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    static SafetensorsFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new ModelLoadException(path + " is not a safetensors file: it has " + fileSize
                        + " bytes, fewer than the 8-byte header length; re-download or re-export it");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
                throw new ModelLoadException(path + " is truncated or not a safetensors file: its header claims "
                        + Long.toUnsignedString(headerLength) + " bytes but the file has " + fileSize
                        + " bytes; re-download or re-export it");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(ch, headerBytes, 8);
            String headerText = new String(headerBytes.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLength;
            return parse(path, headerText, dataStart, fileSize - dataStart);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("safetensors file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, String headerText, long dataStart, long dataSize) {
        JsonNode header;
        try {
            header = JSON.readTree(headerText);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(path + " has a corrupt safetensors header (not valid JSON: "
                    + e.getOriginalMessage() + "); re-download or re-export it", e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelLoadException(path + " has a corrupt safetensors header: expected a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(field.getKey(), parseEntry(path, field.getKey(), field.getValue(), dataSize));
        }
        return new SafetensorsFile(path, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry parseEntry(Path path, String name, JsonNode node, long dataSize) {
        String where = "tensor '" + name + "' in " + path;
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsetsNode = node.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual() || shapeNode == null || !shapeNode.isArray()
                || offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new ModelLoadException(where + " has a corrupt header entry " + node
                    + ": expected {\"dtype\": str, \"shape\": [ints], \"data_offsets\": [begin, end]}");
        }
        SafetensorsDtype dtype = SafetensorsDtype.parse(dtypeNode.asText()).orElseThrow(() -> new ModelLoadException(
                where + " has unsupported dtype '" + dtypeNode.asText() + "'"));
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
                throw new ModelLoadException(where + " has an invalid shape " + shapeNode);
            }
            shape[i] = dim.asLong();
        }
        JsonNode beginNode = offsetsNode.get(0);
        JsonNode endNode = offsetsNode.get(1);
        if (!beginNode.isIntegralNumber() || !endNode.isIntegralNumber()) {
            throw new ModelLoadException(where + " has non-integer data_offsets " + offsetsNode);
        }
        long begin = beginNode.asLong();
        long end = endNode.asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ModelLoadException(where + " has data_offsets " + offsetsNode + " outside the data region of "
                    + dataSize + " bytes; the file is truncated or corrupt, re-download or re-export it");
        }
        long expected;
        try {
            expected = Math.multiplyExact(FloatTensor.numel(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new ModelLoadException(where + " has a shape too large to address: " + shapeNode);
        }
        if (end - begin != expected) {
            throw new ModelLoadException(where + " has data_offsets " + offsetsNode + " spanning " + (end - begin)
                    + " bytes, but shape " + shapeNode + " of " + dtype + " needs " + expected + " bytes");
        }
        return new Entry(new TensorInfo(name, dtype.name(), shape, path), dtype, begin, end);
    }

    Path path() {
        return path;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Maps just this tensor's bytes, so files beyond 2 GiB work as long as each tensor is below 2 GiB. */
    synchronized ByteBuffer map(Entry entry) {
        long length = entry.end() - entry.begin();
        if (length > Integer.MAX_VALUE) {
            throw new ModelLoadException("tensor '" + entry.info().name() + "' in " + path + " has " + length
                    + " bytes; tensors of 2 GiB or more are not supported");
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            if (length == 0) {
                return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelLoadException("cannot map tensor '" + entry.info().name() + "' from " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = ch.read(into, position + into.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Mappings stay valid after the channel closes; nothing to recover.
            }
            channel = null;
        }
    }

    static boolean exists(Path path) {
        return Files.isRegularFile(path);
    }
}
