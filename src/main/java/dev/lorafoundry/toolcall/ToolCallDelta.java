package dev.lorafoundry.toolcall;

/**
 * One streamed piece of output: either content text, or part of tool call {@code index} (OpenAI's streaming shape:
 * the first piece of a call carries id and name, later pieces carry fragments of the arguments JSON).
 *
 * @param content           content text, or null for a tool-call piece
 * @param index             the tool call's index, or null for content
 * @param id                the call id on its first piece, else null
 * @param name              the function name on its first piece, else null
 * @param argumentsFragment the next fragment of the arguments JSON, or null
 */
public record ToolCallDelta(String content, Integer index, String id, String name, String argumentsFragment) {

    public static ToolCallDelta content(String text) {
        return new ToolCallDelta(text, null, null, null, null);
    }
}
