package dev.lorafoundry.training;

import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.GeneratedToken;
import dev.lorafoundry.engine.GenerationListener;
import dev.lorafoundry.engine.GenerationRequest;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.SamplingParams;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One user message through the engine's chat template, answered greedily: how the training tests check answers. */
final class GreedyChat {

    private GreedyChat() {}

    /** The engine's greedy answer (at most 200 tokens) to {@code userMessage}, with {@code lora} or none (null). */
    static String answer(Engine engine, String userMessage, LoraRequest lora) throws Exception {
        String text = engine.chatTemplate().render(List.of(Map.of("role", "user", "content", userMessage)), null, true,
                Map.of());
        int[] prompt = engine.tokenizer().encode(text, false);
        CompletableFuture<String> done = new CompletableFuture<>();
        StringBuilder out = new StringBuilder();
        engine.submit(new GenerationRequest(prompt, SamplingParams.greedy(200), -1, new GenerationListener() {
            public void onToken(GeneratedToken token) {
                out.append(token.text());
            }

            public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
                done.complete(out.toString());
            }

            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        }, null, lora));
        return done.get(60, TimeUnit.SECONDS);
    }
}
