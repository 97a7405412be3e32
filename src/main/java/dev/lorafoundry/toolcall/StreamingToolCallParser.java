package dev.lorafoundry.toolcall;

import java.util.List;

/**
 * Incremental tool-call parsing of one streamed output. Tag text never leaks into content, even when a tag is split
 * across deltas; the deltas' accumulation equals what {@link ToolCallParser#parse} returns for the whole text.
 */
public interface StreamingToolCallParser {

    /** Feeds the next text delta; returns what can be emitted now (possibly nothing). */
    List<ToolCallDelta> push(String textDelta);

    /** End of output: returns whatever was held back. */
    List<ToolCallDelta> finish();

    /** True when at least one tool call was emitted (finish_reason becomes tool_calls). */
    boolean sawToolCalls();
}
