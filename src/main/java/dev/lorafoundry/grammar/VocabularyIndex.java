package dev.lorafoundry.grammar;

import dev.lorafoundry.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a constraint needs to know about a tokenizer's vocabulary, built once per tokenizer: a trie of every ordinary
 * token, and, because most of the vocabulary is plain text, the "plain" tokens (whole UTF-8 characters, no quote,
 * backslash or control character) sorted by character count, with a smaller trie of the rest. Inside a string a plain
 * token is valid exactly when its characters fit under maxLength, so only the small trie needs walking there.
 * Special tokens and tokens without bytes are in neither, so a constraint never allows them.
 */
final class VocabularyIndex {

    private static final Map<Tokenizer, VocabularyIndex> BY_TOKENIZER = Collections.synchronizedMap(new WeakHashMap<>());

    /** Every ordinary token. */
    final VocabularyTrie allTokens;
    /** Ordinary tokens that are not plain string content. */
    final VocabularyTrie nonPlainTokens;
    /** Plain tokens ordered by character count; those of n characters are plainIds[plainStart[n] .. plainStart[n + 1]). */
    final int[] plainIds;
    final int[] plainStart;
    /** One more than the largest token id the tokenizer knows. */
    final int idLimit;

    private VocabularyIndex(VocabularyTrie allTokens, VocabularyTrie nonPlainTokens, int[] plainIds, int[] plainStart, int idLimit) {
        this.allTokens = allTokens;
        this.nonPlainTokens = nonPlainTokens;
        this.plainIds = plainIds;
        this.plainStart = plainStart;
        this.idLimit = idLimit;
    }

    static VocabularyIndex of(Tokenizer tokenizer) {
        return BY_TOKENIZER.computeIfAbsent(tokenizer, VocabularyIndex::build);
    }

    /** Number of plain tokens of at most {@code chars} characters (they are plainIds[0 .. that)). */
    int plainTokensUpTo(int chars) {
        return plainStart[Math.max(0, Math.min(chars + 1, plainStart.length - 1))];
    }

    private static VocabularyIndex build(Tokenizer tokenizer) {
        // ids may have gaps: scan until every token the tokenizer knows has been seen
        int known = tokenizer.vocabSize();
        int idLimit = 0;
        for (int seen = 0; seen < known; idLimit++) {
            if (tokenizer.vocabularyToken(idLimit) != null) {
                seen++;
            }
        }
        byte[][] bytesById = new byte[idLimit][];
        List<Integer> ordinary = new ArrayList<>();
        List<Integer> nonPlain = new ArrayList<>();
        List<List<Integer>> plainByLength = new ArrayList<>();
        for (int id = 0; id < idLimit; id++) {
            if (tokenizer.vocabularyToken(id) == null || tokenizer.isSpecial(id)) {
                continue;
            }
            byte[] bytes = tokenizer.tokenBytes(id);
            if (bytes.length == 0) {
                continue;
            }
            bytesById[id] = bytes;
            ordinary.add(id);
            int chars = plainCharacters(bytes);
            if (chars < 0) {
                nonPlain.add(id);
            } else {
                while (plainByLength.size() <= chars) {
                    plainByLength.add(new ArrayList<>());
                }
                plainByLength.get(chars).add(id);
            }
        }
        int[] plainStart = new int[plainByLength.size() + 1];
        List<Integer> plainIds = new ArrayList<>();
        for (int n = 0; n < plainByLength.size(); n++) {
            plainIds.addAll(plainByLength.get(n));
            plainStart[n + 1] = plainIds.size();
        }
        return new VocabularyIndex(VocabularyTrie.of(bytesById, toArray(ordinary), idLimit),
                VocabularyTrie.of(bytesById, toArray(nonPlain), idLimit), toArray(plainIds), plainStart, idLimit);
    }

    /** Characters in bytes if they are plain string content (read by the string recogniser itself), else -1. */
    private static int plainCharacters(byte[] bytes) {
        StringFrame frame = StringFrame.opened(0, Integer.MAX_VALUE);
        for (byte b : bytes) {
            if (b == '\\') {
                return -1;
            }
            frame = frame.next(b & 0xff);
            if (frame == null) {
                return -1;
            }
        }
        return frame.mode() == StringFrame.NORMAL ? frame.count() : -1;
    }

    private static int[] toArray(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
