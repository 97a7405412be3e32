package dev.lorafoundry.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Mistral calls: {@code [TOOL_CALLS][{"name": …, "arguments": {…}}, …]} (a single bare object after the marker is
 * accepted too). Text before the marker is content, its trailing whitespace dropped; text after the list is dropped.
 */
public final class MistralToolCallParser implements ToolCallParser {

    private static final String MARKER = CallFraming.MISTRAL.marker;

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    public ParsedOutput parse(String text, Set<String> knownFunctions) {
        int first = text == null ? -1 : text.indexOf(MARKER);
        if (first < 0) {
            return ParsedOutput.contentOnly(text);
        }
        List<ToolCall> calls = new ArrayList<>();
        int marker = first;
        while (marker >= 0) {
            int p = CallFraming.skipWhitespace(text, marker + MARKER.length());
            boolean list = p < text.length() && text.charAt(p) == '[';
            if (list) {
                p++;
            }
            while (true) {
                p = CallFraming.skipWhitespace(text, p);
                int objectEnd = p < text.length() && text.charAt(p) == '{' ? JsonObjectScanner.endOfObject(text, p) : -1;
                ToolCall call = objectEnd < 0 ? null : CallObjectReader.read(text.substring(p, objectEnd), knownFunctions);
                if (call == null) {
                    return ParsedOutput.contentOnly(text);
                }
                calls.add(call);
                if (!list) {
                    p = objectEnd;
                    break;
                }
                p = CallFraming.skipWhitespace(text, objectEnd);
                if (p < text.length() && text.charAt(p) == ',') {
                    p++;
                } else if (p < text.length() && text.charAt(p) == ']') {
                    p++;
                    break;
                } else {
                    return ParsedOutput.contentOnly(text);
                }
            }
            marker = text.indexOf(MARKER, p);
        }
        return ParsedOutput.callsAfter(text.substring(0, first), calls);
    }

    @Override
    public StreamingToolCallParser streaming(Set<String> knownFunctions) {
        return new FramedStreamingParser(CallFraming.MISTRAL, knownFunctions);
    }

    @Override
    public String forcedCallPrefix() {
        return MARKER + "[";
    }

    @Override
    public String forcedCallSuffix() {
        return "]";
    }
}
