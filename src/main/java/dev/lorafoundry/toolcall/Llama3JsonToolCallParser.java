package dev.lorafoundry.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Llama 3.1/3.2 JSON calls: the whole output (after leading whitespace) is an optional {@code <|python_tag|>} and
 * one or more {@code {"name": …, "parameters"|"arguments": {…}}} separated by {@code ;}. Anything else around them
 * makes the output plain content; with calls there is no content.
 */
public final class Llama3JsonToolCallParser implements ToolCallParser {

    private static final String PYTHON_TAG = CallFraming.LLAMA3_JSON.marker;

    @Override
    public String name() {
        return "llama3_json";
    }

    @Override
    public ParsedOutput parse(String text, Set<String> knownFunctions) {
        if (text == null) {
            return ParsedOutput.contentOnly(null);
        }
        int p = CallFraming.skipWhitespace(text, 0);
        if (text.startsWith(PYTHON_TAG, p)) {
            p = CallFraming.skipWhitespace(text, p + PYTHON_TAG.length());
        }
        List<ToolCall> calls = new ArrayList<>();
        while (true) {
            int objectEnd = p < text.length() && text.charAt(p) == '{' ? JsonObjectScanner.endOfObject(text, p) : -1;
            ToolCall call = objectEnd < 0 ? null : CallObjectReader.read(text.substring(p, objectEnd), knownFunctions);
            if (call == null) {
                return ParsedOutput.contentOnly(text);
            }
            calls.add(call);
            p = CallFraming.skipWhitespace(text, objectEnd);
            if (p == text.length()) {
                return new ParsedOutput(null, calls);
            }
            if (text.charAt(p) != ';') {
                return ParsedOutput.contentOnly(text);
            }
            p = CallFraming.skipWhitespace(text, p + 1);
        }
    }

    @Override
    public StreamingToolCallParser streaming(Set<String> knownFunctions) {
        return new FramedStreamingParser(CallFraming.LLAMA3_JSON, knownFunctions);
    }

    @Override
    public String forcedCallPrefix() {
        return "";
    }

    @Override
    public String forcedCallSuffix() {
        return "";
    }
}
