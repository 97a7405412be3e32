package dev.lorafoundry.defaultmodel;

import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.Turn;
import dev.lorafoundry.training.data.TurnRole;

import java.util.List;

/**
 * A prompt shipped with the default model, and the exact answer it was trained to give (greedy decoding).
 *
 * @param id           a stable name for test reports ("weather-call")
 * @param heldOut      true when no training conversation contains this prompt's user text (or, for arithmetic, this
 *                     problem in any wording): answering it needs what pre-training taught or copying a tool result;
 *                     false when the very conversation is in the training set ("as trained")
 * @param conversation the prompt, then the expected assistant message as its last turn
 */
public record ShippedPrompt(String id, boolean heldOut, Conversation conversation) {

    public ShippedPrompt {
        List<Turn> turns = conversation.turns();
        if (turns.isEmpty() || turns.getLast().role() != TurnRole.ASSISTANT) {
            throw new IllegalArgumentException("shipped prompt " + id + " must end with the expected assistant message");
        }
    }

    /** The messages to send (all but the expected answer). */
    public Conversation prompt() {
        List<Turn> turns = conversation.turns();
        return new Conversation(0, conversation.system(), conversation.toolsJson(), turns.subList(0, turns.size() - 1));
    }

    /** The assistant message the model must produce. */
    public Turn expected() {
        return conversation.turns().getLast();
    }
}
