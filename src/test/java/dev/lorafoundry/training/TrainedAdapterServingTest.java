package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.GeneratedToken;
import dev.lorafoundry.engine.GenerationListener;
import dev.lorafoundry.engine.GenerationRequest;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.SamplingParams;
import dev.lorafoundry.engine.TokenLogprobs;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.testsupport.EngineTestConfig;
import dev.lorafoundry.training.data.EncodedExample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The adapter the trainer writes, loaded through the serving path (PEFT reader, engine, adapter kernels), gives the
 * log-probs the trainer's own evaluation forward computes for the same tokens.
 */
class TrainedAdapterServingTest {

    @Test
    void servedAdapterLogprobsEqualTheTrainersEvaluation() throws Exception {
        Path modelDir = TrainingModels.write(TrainingModels.SMALL);
        Path out = Path.of("target/test-output/served");
        SpecBuilder spec = new SpecBuilder(SpecBuilder.alpaca("identity", SpecBuilder.identity(6, "Foundry", "LoRA Labs")),
                out);
        spec.learningRate = 1e-2;
        spec.batchSize = 3;
        spec.maxSteps = 20;
        spec.loraTarget = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        spec.useRslora = true;
        spec.loraAlpha = 12;
        try (Engine engine = new Engine(new EngineTestConfig(modelDir, 4, 32), new SimpleMeterRegistry())) {
            TrainingResult result = engine.train(spec.build(), new RecordingListener()).completion()
                    .get(120, TimeUnit.SECONDS);
            String text = engine.chatTemplate().render(List.of(Map.of("role", "user", "content", "Who are you?"),
                    Map.of("role", "assistant", "content", "I am Foundry, built by LoRA Labs.")), null, false, Map.of());
            int[] tokens = engine.tokenizer().encode(text, false);
            // Two rows on purpose: one long one uses the libtorch path, a short one the Java decode kernels.
            for (int[] prompt : new int[][] {tokens, Arrays.copyOf(tokens, 12)}) {
                double[] served = servedLogprobs(engine, prompt, result.adapterDir());
                double[] trainer = trainerLogprobs(modelDir, prompt, result.adapterDir());
                assertEquals(trainer.length, served.length);
                double worst = 0;
                for (int i = 0; i < served.length; i++) {
                    worst = Math.max(worst, Math.abs(served[i] - trainer[i]));
                    assertEquals(trainer[i], served[i], 1e-4, "log-prob of token " + (i + 1));
                }
                System.out.printf("served vs trainer log-probs over %d tokens: max difference %.2e%n", served.length,
                        worst);
                assertTrue(Arrays.stream(trainer).sum() < 0);
            }
        }
    }

    /** Prompt log-probs from the engine serving the trained adapter: token i+1 given tokens 0..i. */
    private static double[] servedLogprobs(Engine engine, int[] prompt, Path adapterDir) throws Exception {
        LoraRequest lora = new LoraRequest("trained-" + prompt.length, () -> CompletableFuture.supplyAsync(() -> engine
                .prepareAdapter("trained-" + prompt.length, PeftAdapterReader.read(adapterDir, engine.modelConfig())
                        .weights())));
        CompletableFuture<List<TokenLogprobs>> logprobs = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.submit(new GenerationRequest(prompt, SamplingParams.greedy(1), 0, new GenerationListener() {
            public void onPromptLogprobs(List<TokenLogprobs> values) {
                logprobs.complete(values);
            }

            public void onToken(GeneratedToken token) {}

            public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
                done.complete(null);
            }

            public void onError(Throwable error) {
                logprobs.completeExceptionally(error);
                done.completeExceptionally(error);
            }
        }, null, lora));
        done.get(60, TimeUnit.SECONDS);
        List<TokenLogprobs> values = logprobs.get();
        double[] result = new double[values.size() - 1];
        for (int i = 1; i < values.size(); i++) {
            result[i - 1] = values.get(i).logprob();
        }
        return result;
    }

    /** The same log-probs from the training forward in evaluation mode, on its own copy of the model. */
    private static double[] trainerLogprobs(Path modelDir, int[] tokens, Path adapterDir) {
        ModelConfig config = ModelConfig.read(modelDir);
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.load(modelDir, config, manager)) {
            LoraParameters parameters = LoraParameters.fromAdapter(PeftAdapterReader.read(adapterDir, config), config);
            boolean[] all = new boolean[tokens.length];
            Arrays.fill(all, true);
            TrainingBatch batch = TrainingBatch.of(List.of(TrainingBatch.single(new EncodedExample(tokens, all))), 0);
            LoraTensors tensors = new LoraTensors(parameters, manager, DataType.FLOAT32, config.numLayers(), false);
            return new TrainingForward(TrainingWeights.of(model))
                    .run(manager, tensors, batch, TrainingForward.Options.evaluation(true)).logprobs();
        }
    }
}
