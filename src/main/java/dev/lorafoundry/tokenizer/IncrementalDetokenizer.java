package dev.lorafoundry.tokenizer;

import java.util.Arrays;

/**
 * Turns a growing token sequence into text deltas that never end in half a UTF-8 character.
 *
 * <p>vLLM's scheme: only the window from {@code prefixOffset} is decoded each step. The text of
 * the tokens already emitted inside the window ({@code prefixOffset..readOffset}) is subtracted
 * from the window's text; the remainder is emitted once it no longer ends in U+FFFD (a byte-level
 * token that split a character). Decoding a window rather than single tokens keeps decoders that
 * look at neighbours (SentencePiece's leading-space rule) consistent with a full decode.
 */
public final class IncrementalDetokenizer {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[64];
    private int size;
    private int prefixOffset;
    private int readOffset;
    /** Text of ids[prefixOffset..readOffset), cached between steps. */
    private String prefixText = "";

    public IncrementalDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one token and returns the text that became final (possibly empty). */
    public String add(int tokenId) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = tokenId;
        String windowText = decodeWindow(prefixOffset, size);
        if (windowText.length() > prefixText.length() && windowText.charAt(windowText.length() - 1) != REPLACEMENT
                && windowText.startsWith(prefixText)) {
            String delta = windowText.substring(prefixText.length());
            prefixOffset = readOffset;
            readOffset = size;
            prefixText = decodeWindow(prefixOffset, readOffset);
            return delta;
        }
        return "";
    }

    /** Returns whatever is still held back (end of sequence). */
    public String flush() {
        if (readOffset == size) {
            return "";
        }
        String windowText = decodeWindow(prefixOffset, size);
        String delta = windowText.startsWith(prefixText) ? windowText.substring(prefixText.length()) : "";
        prefixOffset = readOffset;
        readOffset = size;
        prefixText = decodeWindow(prefixOffset, readOffset);
        return delta;
    }

    private String decodeWindow(int from, int to) {
        return from == to ? "" : tokenizer.decode(Arrays.copyOfRange(ids, from, to), skipSpecialTokens);
    }
}
