package dev.lorafoundry.api;

import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.GeneratedToken;
import dev.lorafoundry.engine.GenerationListener;
import dev.lorafoundry.engine.TokenLogprobs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.util.List;

/**
 * Bridges engine callbacks to a Mutiny stream. Callbacks only enqueue (never block the engine thread);
 * events are buffered until the HTTP side subscribes and are delivered off the engine thread.
 */
final class SequenceEvents implements GenerationListener {

    private final int choice;
    private final UnicastProcessor<SequenceEvent> processor = UnicastProcessor.create();

    SequenceEvents(int choice) {
        this.choice = choice;
    }

    /** The events, in order; one subscriber only. */
    Multi<SequenceEvent> multi() {
        return processor.emitOn(Infrastructure.getDefaultExecutor());
    }

    @Override
    public void onPromptLogprobs(List<TokenLogprobs> promptLogprobs) {
        processor.onNext(new SequenceEvent.PromptLogprobs(choice, promptLogprobs));
    }

    @Override
    public void onToken(GeneratedToken token) {
        processor.onNext(new SequenceEvent.Token(choice, token));
    }

    @Override
    public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
        processor.onNext(new SequenceEvent.Finished(choice, reason, promptTokens, completionTokens));
        processor.onComplete();
    }

    @Override
    public void onError(Throwable error) {
        processor.onError(error);
    }
}
