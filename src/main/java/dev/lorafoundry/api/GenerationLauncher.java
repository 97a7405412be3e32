package dev.lorafoundry.api;

import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.GenerationHandle;
import dev.lorafoundry.engine.GenerationRequest;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.SamplingParams;
import dev.lorafoundry.engine.TokenConstraint;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Submits the sequences of one request to the engine and hands back their event streams. */
@ApplicationScoped
class GenerationLauncher {

    /** One sequence to start: the prompt, which OpenAI choice it answers, its sampling, and its adapter (or null). */
    record Sequence(int choice, int[] promptTokens, SamplingParams params, int promptLogprobs, TokenConstraint constraint,
                    LoraRequest lora) {}

    @Inject
    Engine engine;

    @Inject
    ApiMetrics metrics;

    /**
     * Submits all sequences now, so an overloaded engine fails the request before any response is sent.
     * Cancelling a returned stream (client gone) cancels its engine handle and frees the batch slot.
     */
    List<Multi<SequenceEvent>> launch(List<Sequence> sequences) {
        List<GenerationHandle> started = new ArrayList<>();
        List<Multi<SequenceEvent>> streams = new ArrayList<>();
        try {
            for (Sequence s : sequences) {
                SequenceEvents events = new SequenceEvents(s.choice());
                GenerationHandle handle = engine.submit(new GenerationRequest(s.promptTokens(), s.params(), s.promptLogprobs(), events,
                        s.constraint(), s.lora()));
                started.add(handle);
                streams.add(track(events.multi(), handle));
            }
        } catch (IllegalArgumentException e) {
            // The engine re-checks what the resources validated (prompt length, token ids, sampling ranges).
            started.forEach(GenerationHandle::cancel);
            throw ApiException.invalid(null, e.getMessage());
        } catch (RuntimeException e) {
            started.forEach(GenerationHandle::cancel);
            throw e;
        }
        return streams;
    }

    private Multi<SequenceEvent> track(Multi<SequenceEvent> events, GenerationHandle handle) {
        long submittedAt = System.nanoTime();
        AtomicBoolean firstToken = new AtomicBoolean(true);
        return events
                .onItem().invoke(event -> {
                    if (event instanceof SequenceEvent.Token && firstToken.getAndSet(false)) {
                        metrics.timeToFirstToken(System.nanoTime() - submittedAt);
                    } else if (event instanceof SequenceEvent.Finished f) {
                        metrics.tokens(f.promptTokens(), f.completionTokens());
                    }
                })
                .onCancellation().invoke(handle::cancel);
    }
}
