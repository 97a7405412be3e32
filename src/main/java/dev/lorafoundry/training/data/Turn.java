package dev.lorafoundry.training.data;

import dev.lorafoundry.toolcall.ToolCall;

import java.util.List;
import java.util.Objects;

/**
 * One message of a training conversation.
 *
 * @param role       user, assistant or tool
 * @param content    the text ("" when an assistant only calls tools)
 * @param toolCalls  the functions an assistant turn calls (empty otherwise); ids may be null
 * @param toolCallId which call a tool turn answers, or null
 * @param weight     1 = learn this assistant turn, 0 = context only (OpenAI's per-message weight)
 */
public record Turn(TurnRole role, String content, List<ToolCall> toolCalls, String toolCallId, int weight) {

    public Turn {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (weight != 0 && weight != 1) {
            throw new IllegalArgumentException("weight must be 0 or 1, got " + weight);
        }
    }

    public static Turn user(String content) {
        return new Turn(TurnRole.USER, content, List.of(), null, 1);
    }

    public static Turn assistant(String content) {
        return new Turn(TurnRole.ASSISTANT, content, List.of(), null, 1);
    }

    public static Turn assistantCalling(String content, List<ToolCall> calls) {
        return new Turn(TurnRole.ASSISTANT, content, calls, null, 1);
    }

    public static Turn tool(String content, String toolCallId) {
        return new Turn(TurnRole.TOOL, content, List.of(), toolCallId, 1);
    }

    /** The same turn with another weight. */
    public Turn withWeight(int newWeight) {
        return new Turn(role, content, toolCalls, toolCallId, newWeight);
    }

    /** Whether the loss covers this turn by default (an assistant turn with weight 1). */
    public boolean learned() {
        return role == TurnRole.ASSISTANT && weight == 1;
    }
}
