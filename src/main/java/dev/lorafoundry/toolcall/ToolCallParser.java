package dev.lorafoundry.toolcall;

import java.util.Set;

/** Finds tool calls in one model family's output format (Hermes/Qwen, Llama 3.1 JSON, Mistral). */
public interface ToolCallParser {

    /** The configuration name of this format: {@code hermes}, {@code llama3_json} or {@code mistral}. */
    String name();

    /**
     * Parses a finished output. Calls to functions not in {@code knownFunctions} or with malformed JSON make the
     * whole output plain content (never an exception).
     */
    ParsedOutput parse(String text, Set<String> knownFunctions);

    /** A parser for one streamed output; text deltas in, content and tool-call deltas out. */
    StreamingToolCallParser streaming(Set<String> knownFunctions);

    /**
     * The text the model must produce around one forced call's JSON object {@code {"name":…,"arguments":…}} (for
     * Hermes: {@code "<tool_call>\n"} and {@code "\n</tool_call>"}); used by constrained decoding.
     */
    String forcedCallPrefix();

    String forcedCallSuffix();
}
