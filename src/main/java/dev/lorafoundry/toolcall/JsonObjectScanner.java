package dev.lorafoundry.toolcall;

/**
 * Follows a JSON object's nesting as its text arrives, to find where the object ends, optionally copying it without
 * insignificant whitespace. It does not validate (Jackson does that on the complete text); it only needs to be right
 * for valid JSON. Resumable: feed it consecutive ranges of a growing text.
 */
final class JsonObjectScanner {

    /** Returned by {@link #advance} while the object is still open. */
    static final int INCOMPLETE = -1;
    /** Returned by {@link #advance} when the first non-whitespace character is not {@code {}. */
    static final int NOT_AN_OBJECT = -2;

    private boolean started;
    private boolean inString;
    private boolean escaped;
    private int depth;
    private int result = INCOMPLETE;

    /**
     * Scans {@code text[from, to)}, appending the compacted characters to {@code compactOut} when it is not null.
     *
     * @return the index just past the closing brace, {@link #INCOMPLETE} or {@link #NOT_AN_OBJECT}
     */
    int advance(CharSequence text, int from, int to, StringBuilder compactOut) {
        for (int i = from; i < to && result == INCOMPLETE; i++) {
            char c = text.charAt(i);
            if (inString) {
                append(compactOut, c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (isJsonWhitespace(c)) {
                continue;
            }
            if (!started) {
                if (c != '{') {
                    result = NOT_AN_OBJECT;
                    break;
                }
                started = true;
            }
            append(compactOut, c);
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    depth--;
                    if (depth == 0) {
                        result = i + 1;
                    }
                }
                default -> { }
            }
        }
        return result;
    }

    /** The JSON object starting at or after {@code from} without insignificant whitespace, or null when incomplete. */
    static String compactObjectAt(String text, int from) {
        StringBuilder compact = new StringBuilder();
        int end = new JsonObjectScanner().advance(text, from, text.length(), compact);
        return end >= 0 ? compact.toString() : null;
    }

    /** Index just past the JSON object starting at or after {@code from}, or a negative status. */
    static int endOfObject(String text, int from) {
        return new JsonObjectScanner().advance(text, from, text.length(), null);
    }

    static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static void append(StringBuilder out, char c) {
        if (out != null) {
            out.append(c);
        }
    }
}
