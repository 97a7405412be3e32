package dev.lorafoundry.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.model.SafetensorsWriter;
import dev.lorafoundry.model.lora.LoraProjection;
import dev.lorafoundry.model.lora.LoraWeights;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a Hugging Face model folder with an adapter merged into the base weights, as PEFT's merge_and_unload does:
 * W' = W + scale·B·A, or for DoRA W' = m ⊙ (W + scale·B·A) / ‖W + scale·B·A‖ per output row. Weights are written in
 * float32 (a bf16 round trip would blur the adapter's delta); config and tokenizer files are copied.
 */
public final class AdapterMerger {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SHARD_BYTES = 1L << 30;

    private AdapterMerger() {}

    /** @return the names of the files written into {@code out} (which must not exist yet) */
    public static List<String> merge(Path modelDir, ModelConfig model, Path adapterDir, Path out) throws IOException {
        LoraWeights weights = PeftAdapterReader.read(adapterDir, model).weights();
        Path staging = out.resolveSibling(out.getFileName() + ".partial");
        AdapterRegistry.deleteRecursively(staging);
        Files.createDirectories(staging);
        try (SafetensorsReader reader = SafetensorsReader.open(modelDir)) {
            Map<String, FloatTensor> tensors = new LinkedHashMap<>();
            long bytes = 0;
            for (String name : reader.tensorNames().stream().sorted().toList()) {
                FloatTensor tensor = reader.readF32(name);
                LoraProjection projection = projectionFor(name, weights, model.numLayers());
                tensors.put(name, projection == null ? tensor : merged(tensor, projection));
                bytes += tensor.numel() * Float.BYTES;
            }
            int shards = (int) Math.max(1, Math.min(tensors.size(), (bytes + SHARD_BYTES - 1) / SHARD_BYTES));
            SafetensorsWriter.writeSharded(staging, tensors, "F32", shards);
        }
        copyConfigAsF32(modelDir.resolve("config.json"), staging.resolve("config.json"));
        try (Stream<Path> files = Files.list(modelDir)) {
            for (Path file : files.filter(AdapterMerger::isSideFile).toList()) {
                Files.copy(file, staging.resolve(file.getFileName()));
            }
        }
        Files.move(staging, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Tokenizer, generation config and template files travel with the merged weights. */
    private static boolean isSideFile(Path file) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file) || name.endsWith(".safetensors") || name.equals("config.json")
                || name.equals(SafetensorsReader.INDEX_FILE)) {
            return false;
        }
        return name.endsWith(".json") || name.endsWith(".jinja") || name.endsWith(".txt") || name.endsWith(".model");
    }

    private static void copyConfigAsF32(Path from, Path to) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(from.toFile());
        if (config.has("torch_dtype")) {
            config.put("torch_dtype", "float32");
        }
        config.put("dtype", "float32");
        JSON.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), config);
    }

    private static LoraProjection projectionFor(String tensorName, LoraWeights weights, int layers) {
        for (int layer = 0; layer < layers; layer++) {
            for (ProjectionKind kind : ProjectionKind.values()) {
                if (tensorName.equals(kind.moduleName(layer) + ".weight")) {
                    return weights.projection(layer, kind);
                }
            }
        }
        return null;
    }

    private static FloatTensor merged(FloatTensor base, LoraProjection p) {
        float[] w = base.toFloatArray();
        int in = p.in();
        int rank = p.rank();
        double[] row = new double[in];
        for (int o = 0; o < p.out(); o++) {
            double squares = 0;
            for (int i = 0; i < in; i++) {
                double delta = 0;
                for (int j = 0; j < rank; j++) {
                    delta += (double) p.b()[o * rank + j] * p.a()[j * in + i];
                }
                row[i] = w[o * in + i] + p.scale() * delta;
                squares += row[i] * row[i];
            }
            double factor = p.dora() ? p.magnitude()[o] / Math.sqrt(squares) : 1.0;
            for (int i = 0; i < in; i++) {
                w[o * in + i] = (float) (row[i] * factor);
            }
        }
        return FloatTensor.of(base.name(), base.shape(), w);
    }
}
