package dev.lorafoundry.api;

import dev.lorafoundry.engine.FinishReason;
import dev.lorafoundry.engine.TokenLogprobs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/** Everything one sequence produced, gathered for a non-streaming response. */
final class ChoiceOutcome {

    int choice;
    final StringBuilder text = new StringBuilder();
    final List<TokenLogprobs> tokenLogprobs = new ArrayList<>();
    List<TokenLogprobs> promptLogprobs = List.of();
    FinishReason finishReason = FinishReason.CANCELLED;
    int promptTokens;
    int completionTokens;

    static Uni<ChoiceOutcome> collect(Multi<SequenceEvent> events) {
        return events.collect().in(ChoiceOutcome::new, ChoiceOutcome::add);
    }

    private void add(SequenceEvent event) {
        choice = event.choice();
        switch (event) {
            case SequenceEvent.PromptLogprobs p -> promptLogprobs = p.logprobs();
            case SequenceEvent.Token t -> {
                text.append(t.token().text());
                if (t.token().logprobs() != null) {
                    tokenLogprobs.add(t.token().logprobs());
                }
            }
            case SequenceEvent.Finished f -> {
                finishReason = f.reason();
                promptTokens = f.promptTokens();
                completionTokens = f.completionTokens();
            }
        }
    }
}
