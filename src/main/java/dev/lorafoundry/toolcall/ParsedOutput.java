package dev.lorafoundry.toolcall;

import java.util.List;

/**
 * A model's finished output split into plain content and tool calls.
 *
 * @param content   text outside tool calls (before the first call), or null when there is none
 * @param toolCalls the calls, in order; empty when the output holds none or was malformed (then it is all content)
 */
public record ParsedOutput(String content, List<ToolCall> toolCalls) {

    /** The whole output as content, no calls (empty text gives null content). */
    public static ParsedOutput contentOnly(String text) {
        return new ParsedOutput(text == null || text.isEmpty() ? null : text, List.of());
    }

    /** Calls with the text before them as content, its trailing whitespace dropped (null when nothing is left). */
    static ParsedOutput callsAfter(String contentBefore, List<ToolCall> calls) {
        String trimmed = contentBefore.stripTrailing();
        return new ParsedOutput(trimmed.isEmpty() ? null : trimmed, calls);
    }
}
