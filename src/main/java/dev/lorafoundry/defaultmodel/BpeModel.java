package dev.lorafoundry.defaultmodel;

import java.util.List;

/**
 * A trained byte-level BPE vocabulary.
 *
 * @param tokens the token of each id, spelled in byte symbols ({@link ByteSymbols}): ids 0..255 are the single bytes in
 *               byte order, then one token per merge that made a new string, in the order they were learned
 * @param merges the merges in rank order (the order an encoder applies them)
 */
public record BpeModel(List<String> tokens, List<Merge> merges) {

    /**
     * One merge: the tokens {@code left} and {@code right}, next to each other in a word, become {@code result}.
     * Two merges may make the same string (e.g. "ab"+"c" and "a"+"bc"); they then share the result id.
     */
    public record Merge(int left, int right, int result) {}

    public BpeModel {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
    }

    /** Number of learned tokens (bytes and merges; the added special tokens come after). */
    public int size() {
        return tokens.size();
    }

    /** A merge as tokenizer.json writes it: the two tokens' spellings separated by one space. */
    public String mergeText(Merge merge) {
        return tokens.get(merge.left()) + " " + tokens.get(merge.right());
    }
}
