package dev.lorafoundry.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hermes / Qwen2.5 / Qwen3 calls: {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>}, one or more.
 * Text before the first call is content (a Qwen3 {@code <think>} block stays in it); text between or after calls is
 * dropped.
 */
public final class HermesToolCallParser implements ToolCallParser {

    private static final String OPEN = CallFraming.HERMES.marker;
    private static final String CLOSE = CallFraming.HERMES_END;

    @Override
    public String name() {
        return "hermes";
    }

    @Override
    public ParsedOutput parse(String text, Set<String> knownFunctions) {
        int first = text == null ? -1 : text.indexOf(OPEN);
        if (first < 0) {
            return ParsedOutput.contentOnly(text);
        }
        List<ToolCall> calls = new ArrayList<>();
        int open = first;
        while (open >= 0) {
            int objectStart = CallFraming.skipWhitespace(text, open + OPEN.length());
            int objectEnd = JsonObjectScanner.endOfObject(text, objectStart);
            if (objectEnd < 0) {
                return ParsedOutput.contentOnly(text);
            }
            ToolCall call = CallObjectReader.read(text.substring(objectStart, objectEnd), knownFunctions);
            int close = CallFraming.skipWhitespace(text, objectEnd);
            if (call == null || !text.startsWith(CLOSE, close)) {
                return ParsedOutput.contentOnly(text);
            }
            calls.add(call);
            open = text.indexOf(OPEN, close + CLOSE.length());
        }
        return ParsedOutput.callsAfter(text.substring(0, first), calls);
    }

    @Override
    public StreamingToolCallParser streaming(Set<String> knownFunctions) {
        return new FramedStreamingParser(CallFraming.HERMES, knownFunctions);
    }

    @Override
    public String forcedCallPrefix() {
        return OPEN + "\n";
    }

    @Override
    public String forcedCallSuffix() {
        return "\n" + CLOSE;
    }
}
