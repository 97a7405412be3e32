package dev.lorafoundry.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.NumericsFixtures;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.SafetensorsWriter;
import dev.lorafoundry.model.lora.LoraProjection;
import dev.lorafoundry.model.lora.LoraWeights;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading PEFT adapter folders: what RandomAdapterWriter and PEFT itself write, and every broken adapter we can think
 * of, each of which must fail with a message naming the file and the tensor or field at fault.
 */
class PeftAdapterReaderTest {

    @TempDir
    static Path dir;
    /** The llama-f32 numerics fixture: 2 layers, hidden 64, 4 heads of 16, 2 kv heads (k/v width 32), MLP 160. */
    static Path base;
    static ModelConfig model;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> Q_V = List.of("q_proj", "v_proj");

    @BeforeAll
    static void writeBaseModel() {
        base = NumericsFixtures.named("llama-f32").writeTo(dir.resolve("models"));
        model = ModelConfig.read(base);
    }

    private static Path adapter(String name, RandomAdapterSpec spec) {
        Path folder = dir.resolve("adapters").resolve(name);
        RandomAdapterWriter.write(spec, base, folder);
        return folder;
    }

    private static Path plainAdapter(String name) {
        return adapter(name, RandomAdapterSpec.simple(name, 8, Q_V, 7));
    }

    private static Path doraAdapter(String name) {
        return adapter(name, new RandomAdapterSpec(name, 4, 8, List.of("q_proj", "down_proj"), null, false, true, null,
                null, null, "F32", 9, 0.3));
    }

    private static String tensor(int layer, String module, String part) {
        String block = module.equals("down_proj") || module.endsWith("up_proj") ? "mlp" : "self_attn";
        return "base_model.model.model.layers." + layer + "." + block + "." + module + "." + part;
    }

    // ---------------------------------------------------------------- good adapters

    @Test
    void readsRandomAdapterWithRsloraAndRankAndAlphaPatterns() {
        Path folder = adapter("rslora-patterns", new RandomAdapterSpec("rslora-patterns", 8, 8, Q_V, null, true, false,
                Map.of("layers.1.self_attn.v_proj", 4, "q_proj", 12),
                Map.of("v_proj", 24.0), null, "F16", 5, 0.3));
        LoraWeights weights = PeftAdapterReader.read(folder, model).weights();

        // PEFT: r and alpha from the first matching pattern key, scale = alpha / sqrt(r) with rsLoRA.
        assertProjection(weights.projection(0, ProjectionKind.Q), 12, 64, 64, 8 / Math.sqrt(12));
        assertProjection(weights.projection(0, ProjectionKind.V), 8, 64, 32, 24 / Math.sqrt(8));
        assertProjection(weights.projection(1, ProjectionKind.Q), 12, 64, 64, 8 / Math.sqrt(12));
        assertProjection(weights.projection(1, ProjectionKind.V), 4, 64, 32, 24 / Math.sqrt(4));
        for (int layer = 0; layer < 2; layer++) {
            for (ProjectionKind kind : List.of(ProjectionKind.K, ProjectionKind.O, ProjectionKind.GATE,
                    ProjectionKind.UP, ProjectionKind.DOWN)) {
                assertNull(weights.projection(layer, kind), layer + " " + kind + " is not targeted");
            }
        }
        assertEquals(12, weights.maxRank());
        assertValuesAreTheFilesOwn(folder, weights);
    }

    @Test
    void readsPlainLoraWithAlphaOverRank() {
        Path folder = adapter("all-linear", new RandomAdapterSpec("all-linear", 4, 6, null, "all-linear", false, false,
                null, null, null, "BF16", 3, 0.3));
        LoraWeights weights = PeftAdapterReader.read(folder, model).weights();
        assertProjection(weights.projection(1, ProjectionKind.O), 4, 64, 64, 1.5);
        assertProjection(weights.projection(0, ProjectionKind.K), 4, 64, 32, 1.5);
        assertProjection(weights.projection(0, ProjectionKind.GATE), 4, 64, 160, 1.5);
        assertProjection(weights.projection(1, ProjectionKind.DOWN), 4, 160, 64, 1.5);
        assertValuesAreTheFilesOwn(folder, weights);
    }

    @Test
    void readsAnAdapterPeftSaved() throws Exception {
        // Saved by PEFT 0.21 itself (tools/reference/validate_lora_against_peft.py --save-peft-adapter) on this base:
        // DoRA + rsLoRA, r=2, alpha=4, q/v/down_proj, rank_pattern and alpha_pattern. peft_facts.json holds PEFT's
        // own r and scaling of every module it adapted.
        Path folder = Path.of(getClass().getResource("/adapters/peft-saved-dora-llama-f32").toURI());
        LoadedAdapter adapter = PeftAdapterReader.read(folder, model);
        JsonNode facts = JSON.readTree(folder.resolve("peft_facts.json").toFile()).get("modules");
        int adapted = 0;
        for (int layer = 0; layer < 2; layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                JsonNode fact = facts.get(kind.moduleName(layer));
                LoraProjection p = adapter.weights().projection(layer, kind);
                if (fact == null) {
                    assertNull(p, kind.moduleName(layer) + " was not adapted by PEFT");
                    continue;
                }
                adapted++;
                assertEquals(fact.get("r").asInt(), p.rank(), kind.moduleName(layer));
                assertEquals((float) fact.get("scaling").asDouble(), p.scale(), kind.moduleName(layer));
                assertNotNull(p.magnitude(), "DoRA magnitude of " + kind.moduleName(layer));
                assertEquals(p.out(), p.magnitude().length);
            }
        }
        assertEquals(6, adapted);
        assertValuesAreTheFilesOwn(folder, adapter.weights());
    }

    @Test
    void randomDoraMagnitudesStayNearTheRowNormsOfTheAdaptedWeight() {
        Path folder = doraAdapter("dora-magnitudes");
        LoraProjection p = PeftAdapterReader.read(folder, model).weights().projection(1, ProjectionKind.DOWN);
        float[] w;
        try (SafetensorsReader reader = SafetensorsReader.open(base)) {
            w = reader.readF32("model.layers.1.mlp.down_proj.weight").toFloatArray();
        }
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        for (int row = 0; row < p.out(); row++) {
            double sum = 0;
            for (int col = 0; col < p.in(); col++) {
                double delta = 0;
                for (int k = 0; k < p.rank(); k++) {
                    delta += (double) p.b()[row * p.rank() + k] * p.a()[k * p.in() + col];
                }
                double v = w[row * p.in() + col] + p.scale() * delta;
                sum += v * v;
            }
            double ratio = p.magnitude()[row] / Math.sqrt(sum);
            minRatio = Math.min(minRatio, ratio);
            maxRatio = Math.max(maxRatio, ratio);
        }
        // m = norm * exp(0.2 N(0,1)): rows are rescaled, but by factors near 1 (within 5 sigma).
        assertTrue(minRatio > Math.exp(-1) && maxRatio < Math.exp(1), minRatio + " .. " + maxRatio);
        assertTrue(maxRatio - minRatio > 0.1, "magnitudes differ from the norms, so DoRA matters");
    }

    private static void assertProjection(LoraProjection p, int rank, int in, int out, double scale) {
        assertNotNull(p);
        assertEquals(rank, p.rank());
        assertEquals(in, p.in());
        assertEquals(out, p.out());
        assertEquals(rank * in, p.a().length);
        assertEquals(out * rank, p.b().length);
        assertEquals((float) scale, p.scale(), 1e-6f * (float) scale);
        double sumSquares = 0;
        for (float v : p.b()) {
            sumSquares += v * v;
        }
        assertTrue(sumSquares > 0, "lora_B must be non-zero so the adapter changes the output");
    }

    /** Each projection holds exactly the values stored under its own PEFT tensor names. */
    private static void assertValuesAreTheFilesOwn(Path folder, LoraWeights weights) {
        try (SafetensorsReader reader = SafetensorsReader.openFile(folder.resolve(PeftAdapterReader.WEIGHTS_FILE))) {
            for (int layer = 0; layer < weights.numLayers(); layer++) {
                for (ProjectionKind kind : ProjectionKind.values()) {
                    LoraProjection p = weights.projection(layer, kind);
                    if (p == null) {
                        continue;
                    }
                    String prefix = "base_model.model." + kind.moduleName(layer) + ".";
                    assertArrayEquals(reader.readF32(prefix + "lora_A.weight").toFloatArray(), p.a(), prefix + "A");
                    assertArrayEquals(reader.readF32(prefix + "lora_B.weight").toFloatArray(), p.b(), prefix + "B");
                    if (p.dora()) {
                        assertArrayEquals(reader.readF32(prefix + "lora_magnitude_vector").toFloatArray(),
                                p.magnitude(), prefix + "magnitude");
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- broken adapters

    private static Map<String, FloatTensor> tensors(Path folder) {
        Map<String, FloatTensor> tensors = new TreeMap<>();
        try (SafetensorsReader reader = SafetensorsReader.openFile(folder.resolve(PeftAdapterReader.WEIGHTS_FILE))) {
            for (String name : reader.tensorNames()) {
                FloatTensor t = reader.readF32(name);
                tensors.put(name, FloatTensor.of(name, t.shape(), t.toFloatArray()));
            }
        }
        return tensors;
    }

    private static void rewrite(Path folder, Map<String, FloatTensor> tensors) {
        SafetensorsWriter.write(folder.resolve(PeftAdapterReader.WEIGHTS_FILE), tensors, "F32", Map.of());
    }

    private static FloatTensor zeros(String name, long... shape) {
        return FloatTensor.of(name, shape, new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)]);
    }

    private static void editConfig(Path folder, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        Path file = folder.resolve(AdapterConfig.FILE_NAME);
        ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(config);
        Files.writeString(file, JSON.writeValueAsString(config));
    }

    /** Reading fails, and the message names the weights or config file and every given fragment. */
    private static String assertFails(Path folder, String... fragments) {
        String message = assertThrows(AdapterFormatException.class, () -> PeftAdapterReader.read(folder, model))
                .getMessage();
        assertTrue(message.contains(folder.toString()), "names the file: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
        }
        return message;
    }

    @Test
    void loraAOfTheWrongShape() {
        Path folder = plainAdapter("bad-a-shape");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(0, "q_proj", "lora_A.weight");
        t.put(name, zeros(name, 8, 63));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "'", "has shape [8, 63] but must be [8, 64]", "in_features from config.json");
    }

    @Test
    void loraBOfTheWrongShape() {
        Path folder = plainAdapter("bad-b-shape");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(1, "v_proj", "lora_B.weight");
        t.put(name, zeros(name, 64, 8)); // v_proj's output is 2 kv heads x 16 = 32
        rewrite(folder, t);
        assertFails(folder, "'" + name + "'", "has shape [64, 8] but must be [32, 8]");
    }

    @Test
    void rankDiffersFromTheConfigsRankPattern() throws IOException {
        Path folder = plainAdapter("bad-rank");
        editConfig(folder, c -> c.putObject("rank_pattern").put("layers.1.self_attn.q_proj", 16));
        assertFails(folder, "'" + tensor(1, "q_proj", "lora_A.weight") + "'", "must be [16, 64]", "r=16 from rank_pattern");
    }

    @Test
    void missingTensorOfATargetedModule() {
        Path folder = plainAdapter("missing-b");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(1, "q_proj", "lora_B.weight");
        t.remove(name);
        rewrite(folder, t);
        assertFails(folder, "'" + name + "' is missing", "[64, 8]");
    }

    @Test
    void extraTensorForAnUntargetedModule() {
        Path folder = plainAdapter("extra-k");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(0, "k_proj", "lora_A.weight");
        t.put(name, zeros(name, 8, 64));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "'", "does not target");
    }

    @Test
    void tensorOfAModuleWeDoNotAdapt() {
        Path folder = plainAdapter("lm-head-lora");
        Map<String, FloatTensor> t = tensors(folder);
        t.put("base_model.model.lm_head.lora_A.weight", zeros("x", 8, 64));
        rewrite(folder, t);
        assertFails(folder, "'base_model.model.lm_head.lora_A.weight'", "module \"lm_head\"");
    }

    @Test
    void tensorThatIsNoLoraWeight() {
        Path folder = plainAdapter("saved-embedding");
        Map<String, FloatTensor> t = tensors(folder);
        t.put("base_model.model.model.embed_tokens.weight", zeros("x", 320, 64)); // what modules_to_save would add
        rewrite(folder, t);
        assertFails(folder, "'base_model.model.model.embed_tokens.weight' is not a LoRA weight");
    }

    @Test
    void tensorForALayerTheModelDoesNotHave() {
        Path folder = plainAdapter("layer-7");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(7, "q_proj", "lora_A.weight");
        t.put(name, zeros(name, 8, 64));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "'", "with 2 layers");
    }

    @Test
    void tensorOfAnIntegerDtype() throws IOException {
        Path folder = plainAdapter("int-dtype");
        Path file = folder.resolve(PeftAdapterReader.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(file);
        String name = tensor(0, "v_proj", "lora_B.weight");
        // Same byte width, so only the dtype is wrong: patch the header text in place.
        String header = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = header.indexOf("\"dtype\":\"F32\"", header.indexOf("\"" + name + "\""));
        byte[] patched = bytes.clone();
        System.arraycopy("\"dtype\":\"I32\"".getBytes(StandardCharsets.ISO_8859_1), 0, patched, at, 13);
        Files.write(file, patched);
        assertFails(folder, "'" + name + "'", "has dtype I32", "F32, BF16, F16 or F64");
    }

    @Test
    void truncatedWeightsFile() throws IOException {
        Path folder = plainAdapter("truncated");
        Path file = folder.resolve(PeftAdapterReader.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        // The first tensor whose data lies past the cut is named, with what to do.
        assertFails(folder, "tensor 'base_model.model.model.layers.", "truncated or corrupt");
    }

    @Test
    void weightsFileCutInsideItsHeader() throws IOException {
        Path folder = plainAdapter("truncated-header");
        Path file = folder.resolve(PeftAdapterReader.WEIGHTS_FILE);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 100));
        assertFails(folder, "truncated or not a safetensors file");
    }

    @Test
    void weightsFileWithACorruptHeader() throws IOException {
        Path folder = plainAdapter("corrupt-header");
        Path file = folder.resolve(PeftAdapterReader.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 8; i < 40; i++) {
            bytes[i] = '#';
        }
        Files.write(file, bytes);
        assertFails(folder, "corrupt safetensors header");
    }

    @Test
    void nonFiniteValue() {
        Path folder = plainAdapter("nan");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(1, "v_proj", "lora_A.weight");
        float[] values = t.get(name).toFloatArray();
        values[5] = Float.NaN;
        t.put(name, FloatTensor.of(name, t.get(name).shape(), values));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "' holds NaN at element 5");
    }

    @Test
    void doraMagnitudeMissing() {
        Path folder = doraAdapter("dora-missing");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(1, "down_proj", "lora_magnitude_vector");
        t.remove(name);
        rewrite(folder, t);
        assertFails(folder, "'" + name + "' is missing", "[64]", "DoRA");
    }

    @Test
    void doraMagnitudeOfTheWrongShape() {
        Path folder = doraAdapter("dora-shape");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(0, "q_proj", "lora_magnitude_vector");
        t.put(name, zeros(name, 1, 64));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "' has shape [1, 64] but must be [64]");
    }

    @Test
    void doraMagnitudeWithoutUseDora() {
        Path folder = plainAdapter("magnitude-without-dora");
        Map<String, FloatTensor> t = tensors(folder);
        String name = tensor(0, "q_proj", "lora_magnitude_vector");
        t.put(name, zeros(name, 64));
        rewrite(folder, t);
        assertFails(folder, "'" + name + "' is a DoRA magnitude", "use_dora false");
    }

    @Test
    void pickleWeightsOnly() throws IOException {
        Path folder = plainAdapter("pickle");
        Files.move(folder.resolve(PeftAdapterReader.WEIGHTS_FILE), folder.resolve("adapter_model.bin"));
        assertFails(folder, "adapter_model.bin", "convert to safetensors");
    }

    @Test
    void missingConfig() throws IOException {
        Path folder = plainAdapter("no-config");
        Files.delete(folder.resolve(AdapterConfig.FILE_NAME));
        assertFails(folder, "adapter_config.json does not exist");
    }

    @Test
    void configTargetingAModuleWeDoNotHave() throws IOException {
        Path folder = plainAdapter("targets-lm-head");
        editConfig(folder, c -> c.putArray("target_modules").add("q_proj").add("v_proj").add("lm_head"));
        assertFails(folder, "\"target_modules\"", "\"lm_head\"");
    }

    @Test
    void configWithModulesToSave() throws IOException {
        Path folder = plainAdapter("modules-to-save");
        editConfig(folder, c -> c.putArray("modules_to_save").add("lm_head"));
        assertFails(folder, "\"modules_to_save\"", "not supported");
    }

    @Test
    void everyTensorOfAGoodAdapterIsUsed() {
        // The reader's strictness would make a fixture that writes an unused tensor fail; a good one passes whole.
        Path folder = doraAdapter("complete");
        int tensorCount = tensors(folder).size();
        LoraWeights weights = PeftAdapterReader.read(folder, model).weights();
        int used = 0;
        for (int layer = 0; layer < 2; layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                LoraProjection p = weights.projection(layer, kind);
                used += p == null ? 0 : p.dora() ? 3 : 2;
            }
        }
        assertEquals(tensorCount, used);
        for (Iterator<String> it = tensors(folder).keySet().iterator(); it.hasNext(); ) {
            assertTrue(it.next().startsWith(PeftAdapterReader.KEY_PREFIX));
        }
    }
}
