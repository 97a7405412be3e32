package dev.lorafoundry.training.data;

import dev.lorafoundry.toolcall.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One supervised training example in normalised form, whatever file format it came from.
 *
 * @param line      the 1-based line of the file where the record starts (0 when not read from a file)
 * @param system    the system prompt, or null
 * @param toolsJson the tools offered, as a JSON array of OpenAI tool objects ({"type":"function","function":{...}}), or null
 * @param turns     user, assistant and tool turns in order
 */
public record Conversation(int line, String system, String toolsJson, List<Turn> turns) {

    public Conversation {
        turns = List.copyOf(turns);
        system = system == null || system.isEmpty() ? null : system;
        toolsJson = toolsJson == null || toolsJson.isBlank() ? null : toolsJson;
    }

    public static Conversation of(String system, List<Turn> turns) {
        return new Conversation(0, system, null, turns);
    }

    /** The same conversation offering these tools (a JSON array as {@link ToolDefinitions#normalise} accepts). */
    public Conversation withTools(String tools) {
        return new Conversation(line, system, tools == null ? null : ToolDefinitions.normalise(tools), turns);
    }

    /**
     * Why this conversation cannot be trained on, or null when it can: it needs an assistant turn with weight 1, and a
     * tool turn must answer an assistant's tool call.
     */
    public String unusableReason() {
        if (turns.isEmpty()) {
            return "the conversation has no messages";
        }
        boolean anyAssistant = false;
        boolean anyLearned = false;
        for (int i = 0; i < turns.size(); i++) {
            Turn turn = turns.get(i);
            anyAssistant |= turn.role() == TurnRole.ASSISTANT;
            anyLearned |= turn.learned();
            if (turn.role() == TurnRole.TOOL) {
                Turn before = i == 0 ? null : turns.get(i - 1);
                boolean answersCall = before != null && (before.role() == TurnRole.TOOL
                        || (before.role() == TurnRole.ASSISTANT && !before.toolCalls().isEmpty()));
                if (!answersCall) {
                    return "turn " + i + " is a tool result that does not follow an assistant tool call";
                }
            }
            if (turn.role() == TurnRole.ASSISTANT && turn.content().isEmpty() && turn.toolCalls().isEmpty()) {
                return "assistant turn " + i + " has neither content nor tool calls";
            }
        }
        if (!anyAssistant) {
            return "the conversation has no assistant message to learn from";
        }
        if (!anyLearned) {
            return "every assistant message has weight 0, so there is nothing to learn";
        }
        return null;
    }

    /**
     * Replaces {@code {{key}}} in the system prompt and every turn's text (LLaMA-Factory's identity.json uses
     * {@code {{name}}} and {@code {{author}}}).
     */
    public Conversation withPlaceholders(Map<String, String> values) {
        if (values == null || values.isEmpty()) {
            return this;
        }
        List<Turn> replaced = new ArrayList<>(turns.size());
        for (Turn turn : turns) {
            List<ToolCall> calls = new ArrayList<>();
            for (ToolCall call : turn.toolCalls()) {
                calls.add(new ToolCall(call.id(), call.name(), substitute(call.argumentsJson(), values)));
            }
            replaced.add(new Turn(turn.role(), substitute(turn.content(), values), calls, turn.toolCallId(), turn.weight()));
        }
        return new Conversation(line, substitute(system, values), toolsJson, replaced);
    }

    private static String substitute(String text, Map<String, String> values) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            result = result.replace("{{" + value.getKey() + "}}", value.getValue());
        }
        return result;
    }
}
