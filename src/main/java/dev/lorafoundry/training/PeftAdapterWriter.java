package dev.lorafoundry.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.adapter.AdapterConfig;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.model.FloatTensor;
import dev.lorafoundry.model.SafetensorsWriter;
import dev.lorafoundry.model.lora.ProjectionKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes trained LoRA parameters as a PEFT adapter folder: adapter_config.json with the keys PEFT 0.21 writes, and
 * adapter_model.safetensors (F32) with PEFT's tensor names, so PEFT, vLLM and this service load it.
 */
public final class PeftAdapterWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapterWriter() {}

    /** Writes the adapter into {@code dir} (created if needed), replacing what an earlier save left there. */
    public static void write(Path dir, LoraParameters parameters, double dropout, String baseModel) {
        Map<String, FloatTensor> tensors = new TreeMap<>();
        for (LoraParameters.Projection p : parameters.projections()) {
            String a = PeftAdapterReader.tensorName(p.layer(), p.kind(), "lora_A.weight");
            String b = PeftAdapterReader.tensorName(p.layer(), p.kind(), "lora_B.weight");
            tensors.put(a, FloatTensor.of(a, new long[] {p.rank(), p.in()}, p.a()));
            tensors.put(b, FloatTensor.of(b, new long[] {p.out(), p.rank()}, p.b()));
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(AdapterConfig.FILE_NAME),
                    JSON.writeValueAsString(config(parameters, dropout, baseModel)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the adapter config into " + dir + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(dir.resolve(PeftAdapterReader.WEIGHTS_FILE), tensors, "F32",
                Map.of("format", "pt"));
    }

    static ObjectNode config(LoraParameters parameters, double dropout, String baseModel) {
        ObjectNode c = JSON.createObjectNode();
        c.putObject("alpha_pattern");
        c.putNull("auto_mapping");
        if (baseModel == null) {
            c.putNull("base_model_name_or_path");
        } else {
            c.put("base_model_name_or_path", baseModel);
        }
        c.put("bias", "none");
        c.putNull("exclude_modules");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.putNull("layers_pattern");
        c.putNull("layers_to_transform");
        double alpha = parameters.alpha();
        if (alpha == Math.rint(alpha)) {
            c.put("lora_alpha", (int) alpha);
        } else {
            c.put("lora_alpha", alpha);
        }
        c.put("lora_dropout", dropout);
        c.putNull("modules_to_save");
        c.put("peft_type", "LORA");
        c.put("peft_version", "0.21.0");
        c.put("r", parameters.rank());
        c.putObject("rank_pattern");
        c.putNull("revision");
        ArrayNode targets = c.putArray("target_modules");
        List<String> names = parameters.targets().stream().map(ProjectionKind::moduleName).sorted().toList();
        names.forEach(targets::add);
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", parameters.rslora());
        return c;
    }
}
