package dev.lorafoundry.api;

import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.GeneratedToken;
import dev.lorafoundry.engine.TokenLogprobs;
import java.util.List;

/** What one engine sequence reports, as a stream item; {@code choice} is the OpenAI choice index it belongs to. */
sealed interface SequenceEvent {

    int choice();

    /** Log-probs of the prompt tokens (echo); entry 0 has a null logprob. */
    record PromptLogprobs(int choice, List<TokenLogprobs> logprobs) implements SequenceEvent {}

    record Token(int choice, GeneratedToken token) implements SequenceEvent {}

    record Finished(int choice, FinishReason reason, int promptTokens, int completionTokens) implements SequenceEvent {}
}
