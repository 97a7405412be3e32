package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.SafetensorsReader;
import dev.lorafoundry.testsupport.EngineTestConfig;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Full-parameter SFT learns and saves a servable model: on LLaMA-Factory's identity data a small random model's every
 * weight is trained until the answers are memorised, the folder {@link HfModelFolderWriter} writes loads in the engine
 * with no adapter, and the engine greedily writes the trained answers word for word. A BF16 save holds the same tensors
 * rounded.
 */
class FullTrainerTest {

    @Test
    void fullSftMemorisesAndTheSavedFolderServesTheAnswers() throws Exception {
        Path modelDir = TrainingModels.write(TrainingModels.SMALL);
        ModelConfig config = ModelConfig.read(modelDir);
        Path data = SpecBuilder.identity(6, "Foundry", "LoRA Labs");
        Path out = Path.of("target/test-output/full-identity");
        SpecBuilder spec = new SpecBuilder(SpecBuilder.alpaca("identity", data), out);
        spec.learningRate = 3e-3;
        spec.warmupSteps = 5;
        spec.batchSize = 6;
        spec.maxSteps = 80;
        spec.loggingSteps = 10;
        FullParameters parameters = FullParameters.read(modelDir, config);
        List<TrainingMetrics> metrics = new ArrayList<>();
        try (Tokenizer tokenizer = Tokenizer.load(modelDir)) {
            TrainingResult result = new FullTrainer(spec.build(), new TrainingListener() {
                @Override
                public void onMetrics(TrainingMetrics m) {
                    metrics.add(m);
                }
            }, 1).train(parameters, tokenizer, ChatTemplate.forTokenizer(tokenizer, "chatml"));
            System.out.println("full SFT losses " + metrics.stream().map(m -> String.format("%.3f", m.trainLoss())).toList()
                    + ", accuracy " + metrics.getLast().meanTokenAccuracy());
            assertEquals(80, result.steps());
            assertTrue(metrics.getLast().trainLoss() < 0.1 * metrics.getFirst().trainLoss(),
                    "loss " + metrics.getFirst().trainLoss() + " -> " + metrics.getLast().trainLoss());
            assertEquals(1.0, metrics.getLast().meanTokenAccuracy(), "mean token accuracy of the last window");
        }
        HfModelFolderWriter.write(out, parameters, "F32", 256, modelDir);
        Path bf16 = Path.of("target/test-output/full-identity-bf16");
        HfModelFolderWriter.write(bf16, parameters, "BF16", 256, modelDir);
        try (SafetensorsReader reader = SafetensorsReader.open(bf16)) {
            float[] saved = reader.readF32("model.layers.0.mlp.down_proj.weight").toFloatArray();
            float[] trained = parameters.tensor("model.layers.0.mlp.down_proj.weight").values();
            for (int i = 0; i < saved.length; i++) {
                assertEquals(trained[i], saved[i], Math.abs(trained[i]) / 128, "bf16 value " + i);
            }
        }
        assertEquals(config.hiddenSize(), ModelConfig.read(out).hiddenSize());

        try (Engine engine = new Engine(new EngineTestConfig(out, 4, 32), new SimpleMeterRegistry())) {
            var records = new com.fasterxml.jackson.databind.ObjectMapper().readTree(data.toFile());
            for (int i = 0; i < records.size(); i++) {
                String prompt = records.get(i).get("instruction").asText();
                String answer = records.get(i).get("output").asText();
                assertEquals(answer, GreedyChat.answer(engine, prompt, null), "answer to \"" + prompt + "\"");
            }
        }
    }
}
