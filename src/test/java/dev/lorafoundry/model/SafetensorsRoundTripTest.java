package dev.lorafoundry.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writer -> reader round trips for F32/BF16/F16, sharding, and the error for every kind of corrupt file. */
class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    private static Map<String, FloatTensor> sampleTensors() {
        SplittableRandom random = new SplittableRandom(7);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        float[] a = new float[6 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-6, 4)));
        }
        // Values that exercise rounding: exact ties, subnormal-ish, large, negative zero.
        float[] b = {1.0f, -2.5f, 0f, -0f, 1.00390625f /* bf16 tie */, 1.01171875f /* tie, odd */, 3.14159265f,
                65504f, 1e-5f, -123456.78f, 0.1f, 7.0e-8f};
        tensors.put("a.weight", FloatTensor.of("a.weight", new long[] {6, 5}, a));
        tensors.put("b.bias", FloatTensor.of("b.bias", new long[] {12}, b));
        tensors.put("c.scalar", FloatTensor.of("c.scalar", new long[] {}, new float[] {42.5f}));
        return tensors;
    }

    /** Independent nearest-even rounding to bf16: pick the nearer of the two bf16 neighbours using exact doubles. */
    private static float referenceBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xFFFF0000);
        float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
        double dDown = Math.abs((double) x - down);
        double dUp = Math.abs((double) up - x);
        if (dDown < dUp) {
            return down;
        }
        if (dUp < dDown) {
            return up;
        }
        return ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void f32RoundTripIsExactAndZeroCopy() {
        Path file = dir.resolve("f32.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), "F32", Map.of("note", "hello"));
        try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
            assertEquals(sampleTensors().keySet(), reader.tensorNames());
            assertEquals("pt", reader.metadata().get("format"));
            assertEquals("hello", reader.metadata().get("note"));
            for (FloatTensor expected : sampleTensors().values()) {
                FloatTensor actual = reader.readF32(expected.name());
                assertArrayEquals(expected.shape(), actual.shape());
                assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
                assertTrue(actual.data().isDirect());
                assertEquals(4 * expected.numel(), actual.data().capacity());
                assertEquals(0, actual.data().position());
            }
            assertTrue(reader.readF32("a.weight").data().isReadOnly(), "F32 is the mapped file itself");
            assertEquals("F32", reader.info("b.bias").dtype());
        }
    }

    @Test
    void bf16RoundsToNearestEvenLikeAnIndependentBitLevelComputation() {
        Path file = dir.resolve("bf16.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), "BF16", Map.of());
        try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
            for (FloatTensor expected : sampleTensors().values()) {
                float[] original = expected.toFloatArray();
                float[] read = reader.readF32(expected.name()).toFloatArray();
                for (int i = 0; i < original.length; i++) {
                    assertEquals(Float.floatToRawIntBits(referenceBf16(original[i])), Float.floatToRawIntBits(read[i]),
                            expected.name() + "[" + i + "] = " + original[i]);
                }
            }
            assertEquals("BF16", reader.info("a.weight").dtype());
            assertFalse(reader.readF32("a.weight").data().isReadOnly(), "BF16 is converted into a new buffer");
        }
        // The two tie cases, by hand: 1+2^-8 rounds down to 1 (even), 1+3*2^-8 rounds up to 1+2^-6.
        assertEquals(1.0f, referenceBf16(1.00390625f));
        assertEquals(1.015625f, referenceBf16(1.01171875f));
    }

    @Test
    void f16RoundTripMatchesHalfPrecision() {
        Path file = dir.resolve("f16.safetensors");
        Map<String, FloatTensor> tensors = sampleTensors();
        tensors.put("b.bias", FloatTensor.of("b.bias", new long[] {12}, halfRangeSample()));
        SafetensorsWriter.write(file, tensors, "F16", Map.of());
        try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
            float[] read = reader.readF32("b.bias").toFloatArray();
            float[] original = halfRangeSample();
            for (int i = 0; i < original.length; i++) {
                float expected = original[i];
                // Half precision has an 11-bit significand: relative error <= 2^-11 for normal values.
                double tolerance = Math.abs(expected) >= 6.1e-5 ? Math.abs(expected) * 0x1p-11 : 0x1p-25;
                assertEquals(expected, read[i], tolerance, "b.bias[" + i + "]");
            }
            assertEquals(65504f, read[7], "largest half is exact");
        }
    }

    private static float[] halfRangeSample() {
        float[] values = sampleTensors().get("b.bias").toFloatArray();
        values[9] = -12345.678f;
        return values;
    }

    @Test
    void f16OverflowIsRefusedNamingTheTensor() {
        Path file = dir.resolve("overflow.safetensors");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> SafetensorsWriter.write(file, sampleTensors(), "F16", Map.of()));
        assertTrue(e.getMessage().contains("'b.bias'") && e.getMessage().contains("element 9")
                && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void headerIsPaddedToEightBytesWithSpaces() throws IOException {
        Path file = dir.resolve("pad.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), "F32", Map.of());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = bytes.getLong(0);
        assertEquals(0, n % 8);
        String header = new String(bytes.array(), 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"));
    }

    @Test
    void shardedFolderReadsThroughTheIndex() throws IOException {
        SafetensorsWriter.writeSharded(dir, sampleTensors(), "F32", 2);
        assertTrue(Files.exists(dir.resolve("model-00001-of-00002.safetensors")));
        assertTrue(Files.exists(dir.resolve("model-00002-of-00002.safetensors")));
        String index = Files.readString(dir.resolve("model.safetensors.index.json"));
        assertTrue(index.contains("\"total_size\" : " + 4 * (30 + 12 + 1)), index);
        try (SafetensorsReader reader = SafetensorsReader.open(dir)) {
            assertEquals(sampleTensors().keySet(), reader.tensorNames());
            assertArrayEquals(sampleTensors().get("c.scalar").toFloatArray(), reader.readF32("c.scalar").toFloatArray());
            assertTrue(reader.info("c.scalar").file().getFileName().toString().startsWith("model-00002"));
        }
        ModelLoadException tooMany = assertThrows(ModelLoadException.class,
                () -> SafetensorsWriter.writeSharded(dir, sampleTensors(), "F32", 4));
        assertTrue(tooMany.getMessage().contains("4 shards"), tooMany.getMessage());
    }

    @Test
    void singleShardWritesModelSafetensors() {
        SafetensorsWriter.writeSharded(dir, sampleTensors(), "BF16", 1);
        assertTrue(Files.exists(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.index.json")));
        try (SafetensorsReader reader = SafetensorsReader.open(dir)) {
            assertEquals(3, reader.tensorNames().size());
        }
    }

    // ---- corrupt files: each error names the file (and the tensor where there is one) ----

    private Path fileWithHeader(String json, int dataBytes) throws IOException {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length).put(header);
        Path file = dir.resolve("corrupt.safetensors");
        Files.write(file, buffer.array());
        return file;
    }

    private ModelLoadException assertLoadError(Path file, String... fragments) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> {
            try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
                reader.tensorNames().forEach(reader::readF32);
            }
        });
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        return e;
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = dir.resolve("long.safetensors");
        ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).put("{}      ".getBytes());
        Files.write(file, buffer.array());
        assertLoadError(file, "1000");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertLoadError(file, "3 bytes");
    }

    @Test
    void headerIsNotJson() throws IOException {
        assertLoadError(fileWithHeader("{\"a\": [1, 2", 0), "not valid JSON");
    }

    @Test
    void offsetsOutsideTheDataRegion() throws IOException {
        assertLoadError(fileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
                "'w'", "outside the data region");
    }

    @Test
    void offsetsThatDoNotMatchTheShape() throws IOException {
        assertLoadError(fileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16),
                "'w'", "needs 12 bytes");
    }

    @Test
    void unknownDtype() throws IOException {
        assertLoadError(fileWithHeader("{\"w\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4),
                "'w'", "unsupported dtype 'Q4'");
    }

    @Test
    void dtypeThatIsNotAFloat() throws IOException {
        assertLoadError(fileWithHeader("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16),
                "'ids'", "I64");
    }

    @Test
    void malformedEntry() throws IOException {
        assertLoadError(fileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", 16), "'w'", "data_offsets");
    }

    @Test
    void unknownTensorNameNamesTheTensorAndSource() {
        Path file = dir.resolve("ok.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), "F32", Map.of());
        try (SafetensorsReader reader = SafetensorsReader.openFile(file)) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> reader.info("lm_head.weight"));
            assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains(file.toString()));
        }
    }

    @Test
    void missingShardIsNamed() throws IOException {
        SafetensorsWriter.writeSharded(dir, sampleTensors(), "F32", 2);
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafetensorsReader.open(dir));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void indexNamingATensorItsShardLacks() throws IOException {
        SafetensorsWriter.writeSharded(dir, sampleTensors(), "F32", 2);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("\"weight_map\" : {",
                "\"weight_map\" : {\n    \"ghost.weight\" : \"model-00001-of-00002.safetensors\","));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafetensorsReader.open(dir));
        assertTrue(e.getMessage().contains("ghost.weight") && e.getMessage().contains(index.toString()), e.getMessage());
    }

    @Test
    void folderWithoutWeights() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SafetensorsReader.open(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("model.safetensors"));
    }

    @Test
    void unwritableDtypeIsRefused() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> SafetensorsWriter.write(dir.resolve("x.safetensors"), sampleTensors(), "I8", Map.of()));
        assertTrue(e.getMessage().contains("F32, BF16 or F16"));
    }
}
