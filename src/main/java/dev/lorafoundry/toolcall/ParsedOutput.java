package dev.lorafoundry.toolcall;

import java.util.List;

/**
 * A model's finished output split into plain content and tool calls.
 *
 * @param content   text outside tool calls (before the first call), or null when there is none
 * @param toolCalls the calls, in order; empty when the output holds none or was malformed (then it is all content)
 */
public record ParsedOutput(String content, List<ToolCall> toolCalls) {}
