package dev.lorafoundry.tokenizer;

/** Turns a growing token sequence into text deltas that never end in half a UTF-8 character. */
public final class IncrementalDetokenizer {

    public IncrementalDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** Adds one token and returns the text that became final (possibly empty). */
    public String add(int tokenId) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** Returns whatever is still held back (end of sequence). */
    public String flush() {
        throw new UnsupportedOperationException("contract stub");
    }
}
