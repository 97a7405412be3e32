package dev.lorafoundry.toolcall;

/** How one model family frames its calls in the output text: the markers around the call objects. */
enum CallFraming {

    /** {@code <tool_call>{…}</tool_call>}, repeated; content may come before the first. */
    HERMES("<tool_call>"),
    /** {@code [TOOL_CALLS][{…}, {…}]} (or one bare object); content may come before it. */
    MISTRAL("[TOOL_CALLS]"),
    /** The whole output is {@code <|python_tag|>}? {@code {…}; {…}}. */
    LLAMA3_JSON("<|python_tag|>");

    /** Closes one Hermes call. */
    static final String HERMES_END = "</tool_call>";

    /** The text that opens a call section (optional for Llama 3). */
    final String marker;

    CallFraming(String marker) {
        this.marker = marker;
    }

    /** Index of the first non-whitespace character at or after {@code from} (the length when there is none). */
    static int skipWhitespace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
