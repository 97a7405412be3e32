package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.GeneratedToken;
import dev.lorafoundry.engine.GenerationListener;
import dev.lorafoundry.engine.GenerationRequest;
import dev.lorafoundry.engine.SamplingParams;
import dev.lorafoundry.testsupport.EngineTestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Serving never stops while a run trains: chat requests submitted mid-run complete while the run keeps making steps;
 * a second run is refused while one is active; a cancelled run stops within a step and frees the engine for the next.
 */
class TrainingWhileServingTest {

    /**
     * Tokens per chat: enough that the 6 chats outlast many training steps (here they take ~2.6 s, during which the run
     * makes 44–51 steps). With 48 tokens the chats could all finish in 0.1–0.2 s before a step completed (seen once
     * in CI: 0 steps in 0.21 s), and the test failed on timing alone.
     */
    private static final int CHAT_TOKENS = 600;

    @Test
    void chatsCompleteWhileARunTrainsAndCancelStopsIt() throws Exception {
        Path modelDir = TrainingModels.write(TrainingModels.SMALL);
        SpecBuilder spec = new SpecBuilder(SpecBuilder.alpaca("identity", SpecBuilder.identity(20, "Foundry", "LoRA Labs")),
                Path.of("target/test-output/serving"));
        spec.batchSize = 4;
        spec.maxSteps = 100_000;
        spec.loggingSteps = 1;
        try (Engine engine = new Engine(new EngineTestConfig(modelDir, 8, 32), new SimpleMeterRegistry())) {
            RecordingListener listener = new RecordingListener();
            TrainingHandle run = engine.train(spec.build(), listener);
            waitFor(() -> listener.metrics.size() >= 3, "the run to make 3 steps");
            assertThrows(IllegalStateException.class, () -> engine.train(spec.build(), new RecordingListener()));

            int stepsBefore = listener.metrics.size();
            long started = System.nanoTime();
            List<CompletableFuture<Integer>> chats = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                chats.add(chat(engine, "Hello number " + i, CHAT_TOKENS));
            }
            for (CompletableFuture<Integer> chat : chats) {
                assertEquals(CHAT_TOKENS, chat.get(60, TimeUnit.SECONDS), "every chat gets all its tokens");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int stepsDuring = listener.metrics.size() - stepsBefore;
            System.out.printf("6 chats × %d tokens in %.2f s while the run made %d steps%n", CHAT_TOKENS, seconds,
                    stepsDuring);
            assertTrue(stepsDuring >= 1, "the run kept training while the chats were served");
            assertTrue(!run.completion().isDone(), "the run is still going");

            long cancelAt = System.nanoTime();
            int stepAtCancel = listener.metrics.size();
            run.cancel();
            assertThrows(CancellationException.class, () -> run.completion().get(30, TimeUnit.SECONDS));
            System.out.printf("cancel took %.0f ms%n", (System.nanoTime() - cancelAt) / 1e6);
            assertTrue(listener.metrics.size() <= stepAtCancel + 1, "stopped within one optimizer step");

            SpecBuilder next = new SpecBuilder(spec.train, Path.of("target/test-output/serving-next"));
            next.maxSteps = 2;
            assertEquals(2, engine.train(next.build(), new RecordingListener()).completion().get(60, TimeUnit.SECONDS)
                    .steps(), "after a cancel the engine takes a new run");
        }
    }

    private static CompletableFuture<Integer> chat(Engine engine, String message, int tokens) {
        String text = engine.chatTemplate().render(List.of(Map.of("role", "user", "content", message)), null, true,
                Map.of());
        int[] prompt = engine.tokenizer().encode(text, false);
        SamplingParams params = new SamplingParams(tokens, 0, 1, 0, 0, null, List.of(), java.util.Set.of(), true, 0, 0,
                1, Map.of(), -1);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        engine.submit(new GenerationRequest(prompt, params, -1, new GenerationListener() {
            public void onToken(GeneratedToken token) {}

            public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
                done.complete(completionTokens);
            }

            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        }));
        return done;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
