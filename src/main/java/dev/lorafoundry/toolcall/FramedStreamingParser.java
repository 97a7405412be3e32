package dev.lorafoundry.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams one output of any {@link CallFraming}. Content goes out as soon as it cannot be the start of a marker
 * (trailing whitespace waits too, since content before a call loses it). A call's name goes out once it is known and
 * allowed; when the object starts with {@code "name"} and then {@code "arguments"}, the arguments go out compacted as
 * they arrive, otherwise in one piece when the object is complete.
 *
 * <p>Malformed output: while no call has been emitted, the stream falls back to plain content and ends up equal to
 * {@link ToolCallParser#parse}. Once a call's name has gone out nothing can be taken back, so from the first sign of
 * malformation on (bad JSON, unknown function, missing closing marker, stray text) the stream emits nothing more at
 * all, where {@code parse} would return the whole output as content. vLLM's parsers behave alike.
 */
final class FramedStreamingParser implements StreamingToolCallParser {

    /** The usual call layout, name first: enough to emit the name and stream the arguments value. */
    private static final Pattern NAME_FIRST = Pattern.compile(
            "\\{\\s*\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,\\s*\"(?:arguments|parameters)\"\\s*:");

    private enum State {
        /** Hermes/Mistral: content until the marker. */
        CONTENT,
        /** Llama 3: whitespace and the optional marker before the first object. */
        LEADING,
        /** Just after a marker. */
        SECTION_START,
        EXPECT_OBJECT,
        OBJECT,
        AFTER_OBJECT,
        /** Hermes/Mistral after a section: text is dropped until the next marker. */
        BETWEEN_SECTIONS,
        /** Malformed before any call went out: everything is content. */
        PLAIN_CONTENT,
        /** Finished or malformed after a call went out: nothing more is emitted. */
        SILENT
    }

    private final CallFraming framing;
    private final Set<String> knownFunctions;
    private final StringBuilder text = new StringBuilder();
    private State state;
    private int pos;
    /** Start of content not yet emitted (used only while no call has gone out). */
    private int heldFrom;
    private int callsEmitted;
    private boolean inArray;
    private List<ToolCallDelta> out;

    private int objectStart;
    private JsonObjectScanner objectScanner;
    private int objectScanPos;
    private boolean nameSent;
    private boolean nameNotFirst;
    private JsonObjectScanner argumentsScanner;
    private int argumentsScanPos;
    private final StringBuilder argumentsSent = new StringBuilder();

    FramedStreamingParser(CallFraming framing, Set<String> knownFunctions) {
        this.framing = framing;
        this.knownFunctions = knownFunctions;
        this.state = framing == CallFraming.LLAMA3_JSON ? State.LEADING : State.CONTENT;
    }

    @Override
    public List<ToolCallDelta> push(String textDelta) {
        if (textDelta == null || textDelta.isEmpty()) {
            return List.of();
        }
        text.append(textDelta);
        return drain(false);
    }

    @Override
    public List<ToolCallDelta> finish() {
        return drain(true);
    }

    @Override
    public boolean sawToolCalls() {
        return callsEmitted > 0;
    }

    private List<ToolCallDelta> drain(boolean atEnd) {
        out = new ArrayList<>();
        while (step(atEnd)) {
            // each step consumes what it can; false means it needs more text
        }
        return out;
    }

    private boolean step(boolean atEnd) {
        return switch (state) {
            case CONTENT -> content(atEnd);
            case LEADING -> leading(atEnd);
            case SECTION_START -> sectionStart(atEnd);
            case EXPECT_OBJECT -> expectObject(atEnd);
            case OBJECT -> object(atEnd);
            case AFTER_OBJECT -> afterObject(atEnd);
            case BETWEEN_SECTIONS -> betweenSections();
            case PLAIN_CONTENT -> {
                emitContent(heldFrom, text.length());
                heldFrom = text.length();
                yield false;
            }
            case SILENT -> false;
        };
    }

    private boolean content(boolean atEnd) {
        int found = text.indexOf(framing.marker, heldFrom);
        if (found >= 0) {
            int contentEnd = trailingWhitespaceStart(heldFrom, found);
            emitContent(heldFrom, contentEnd);
            heldFrom = contentEnd;
            pos = found + framing.marker.length();
            state = State.SECTION_START;
            return true;
        }
        int safeEnd = atEnd ? text.length()
                : trailingWhitespaceStart(heldFrom, text.length() - partialMarkerLength(heldFrom, framing.marker));
        emitContent(heldFrom, safeEnd);
        heldFrom = safeEnd;
        return false;
    }

    private boolean leading(boolean atEnd) {
        int p = CallFraming.skipWhitespace(text, pos);
        if (p == text.length()) {
            return atEnd && malformed();
        }
        if (startsWithAt(framing.marker, p)) {
            pos = p + framing.marker.length();
            state = State.EXPECT_OBJECT;
            return true;
        }
        if (text.charAt(p) == '{') {
            beginObject(p);
            return true;
        }
        if (!atEnd && isPartialAt(framing.marker, p)) {
            return false;
        }
        return malformed();
    }

    private boolean sectionStart(boolean atEnd) {
        if (framing != CallFraming.MISTRAL) {
            state = State.EXPECT_OBJECT;
            return true;
        }
        int p = CallFraming.skipWhitespace(text, pos);
        if (p == text.length()) {
            return atEnd && malformed();
        }
        char c = text.charAt(p);
        if (c == '[') {
            inArray = true;
            pos = p + 1;
            state = State.EXPECT_OBJECT;
            return true;
        }
        if (c == '{') {
            inArray = false;
            beginObject(p);
            return true;
        }
        return malformed();
    }

    private boolean expectObject(boolean atEnd) {
        int p = CallFraming.skipWhitespace(text, pos);
        if (p == text.length()) {
            return atEnd && malformed();
        }
        if (text.charAt(p) != '{') {
            return malformed();
        }
        beginObject(p);
        return true;
    }

    private void beginObject(int start) {
        objectStart = start;
        objectScanner = new JsonObjectScanner();
        objectScanPos = start;
        nameSent = false;
        nameNotFirst = false;
        argumentsScanner = null;
        argumentsSent.setLength(0);
        state = State.OBJECT;
    }

    private boolean object(boolean atEnd) {
        int length = text.length();
        if (!nameSent && !nameNotFirst) {
            Matcher nameFirst = NAME_FIRST.matcher(text).region(objectStart, length);
            if (nameFirst.lookingAt()) {
                String name = CallObjectReader.decodeStringLiteral(nameFirst.group(1));
                if (name == null || name.isEmpty() || !isKnown(name)) {
                    return malformed();
                }
                sendName(name);
                argumentsScanner = new JsonObjectScanner();
                argumentsScanPos = nameFirst.end();
            } else if (!nameFirst.hitEnd()) {
                nameNotFirst = true; // other layout: wait for the whole object
            }
        }
        if (argumentsScanner != null) {
            StringBuilder fragment = new StringBuilder();
            int status = argumentsScanner.advance(text, argumentsScanPos, length, fragment);
            argumentsScanPos = length;
            if (status == JsonObjectScanner.NOT_AN_OBJECT) {
                argumentsScanner = null; // e.g. arguments as a string: sent whole at the end
            }
            sendArguments(fragment.toString());
        }
        int end = objectScanner.advance(text, objectScanPos, length, null);
        objectScanPos = length;
        if (end == JsonObjectScanner.INCOMPLETE) {
            return atEnd && malformed();
        }
        ToolCall call = CallObjectReader.read(text.substring(objectStart, end), knownFunctions);
        if (call == null) {
            return malformed();
        }
        if (!nameSent) {
            sendName(call.name());
        }
        if (!call.argumentsJson().startsWith(argumentsSent.toString())) {
            state = State.SILENT; // streamed text was not the arguments after all; cannot be taken back
            return false;
        }
        sendArguments(call.argumentsJson().substring(argumentsSent.length()));
        pos = end;
        state = State.AFTER_OBJECT;
        return true;
    }

    private boolean afterObject(boolean atEnd) {
        if (framing == CallFraming.MISTRAL && !inArray) {
            state = State.BETWEEN_SECTIONS;
            return true;
        }
        int p = CallFraming.skipWhitespace(text, pos);
        if (p == text.length()) {
            if (!atEnd) {
                return false;
            }
            if (framing == CallFraming.LLAMA3_JSON) {
                state = State.SILENT;
                return false;
            }
            return malformed();
        }
        char c = text.charAt(p);
        switch (framing) {
            case HERMES -> {
                if (startsWithAt(CallFraming.HERMES_END, p)) {
                    pos = p + CallFraming.HERMES_END.length();
                    state = State.BETWEEN_SECTIONS;
                    return true;
                }
                return !atEnd && isPartialAt(CallFraming.HERMES_END, p) ? false : malformed();
            }
            case MISTRAL -> {
                if (c == ',' || c == ']') {
                    pos = p + 1;
                    state = c == ',' ? State.EXPECT_OBJECT : State.BETWEEN_SECTIONS;
                    return true;
                }
                return malformed();
            }
            case LLAMA3_JSON -> {
                if (c == ';') {
                    pos = p + 1;
                    state = State.EXPECT_OBJECT;
                    return true;
                }
                return malformed();
            }
        }
        throw new IllegalStateException("unhandled framing " + framing);
    }

    private boolean betweenSections() {
        int found = text.indexOf(framing.marker, pos);
        if (found >= 0) {
            pos = found + framing.marker.length();
            state = State.SECTION_START;
            return true;
        }
        pos = text.length() - partialMarkerLength(pos, framing.marker);
        return false;
    }

    /** Falls back to content while nothing was emitted for a call, else goes silent; returns true (state changed). */
    private boolean malformed() {
        if (callsEmitted == 0) {
            state = State.PLAIN_CONTENT;
        } else {
            state = State.SILENT;
        }
        return true;
    }

    private void sendName(String name) {
        out.add(new ToolCallDelta(null, callsEmitted, ToolCallIds.next(), name, null));
        callsEmitted++;
        nameSent = true;
    }

    private void sendArguments(String fragment) {
        if (!fragment.isEmpty()) {
            out.add(new ToolCallDelta(null, callsEmitted - 1, null, null, fragment));
            argumentsSent.append(fragment);
        }
    }

    private void emitContent(int from, int to) {
        if (to <= from) {
            return;
        }
        String piece = text.substring(from, to);
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).content() != null) {
            out.set(last, ToolCallDelta.content(out.get(last).content() + piece));
        } else {
            out.add(ToolCallDelta.content(piece));
        }
    }

    private boolean isKnown(String name) {
        return knownFunctions == null || knownFunctions.contains(name);
    }

    private int trailingWhitespaceStart(int from, int to) {
        int end = to;
        while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** Length of the longest end of the text (after {@code from}) that is a proper start of {@code marker}. */
    private int partialMarkerLength(int from, String marker) {
        int longest = Math.min(marker.length() - 1, text.length() - from);
        for (int k = longest; k > 0; k--) {
            if (startsWithAt(marker.substring(0, k), text.length() - k)) {
                return k;
            }
        }
        return 0;
    }

    private boolean startsWithAt(String s, int at) {
        return at + s.length() <= text.length() && text.substring(at, at + s.length()).equals(s);
    }

    /** True when the text from {@code at} to its end is a proper start of {@code marker}. */
    private boolean isPartialAt(String marker, int at) {
        int rest = text.length() - at;
        return rest < marker.length() && marker.startsWith(text.substring(at));
    }
}
