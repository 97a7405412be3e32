package dev.lorafoundry.defaultmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Pattern;

/**
 * Learns a byte-level BPE vocabulary from text: the text is cut at special tokens, split by {@link PreTokenizer} into
 * words, and the most frequent adjacent pair of tokens (counted over all words) is merged until the vocabulary reaches
 * the target size. Ties go to the pair with the smaller left id, then the smaller right id, so the result depends only
 * on the text. Pair counts are updated incrementally, so a few megabytes train in seconds.
 */
public final class BpeTokenizerTrainer {

    /** Pairs seen fewer times than this are never merged (a merge seen once teaches the model nothing). */
    static final int MIN_PAIR_COUNT = 2;

    private static final Pattern SPECIALS = Pattern.compile(String.join("|",
            SpecialTokens.ALL.stream().map(t -> Pattern.quote(t.content())).toList()));

    private final Map<String, long[]> wordCounts = new HashMap<>();

    /** Counts the words of one text (call once per document; special tokens in it are left out). */
    public void add(String text) {
        for (String part : SPECIALS.split(text)) {
            for (String word : PreTokenizer.split(part)) {
                wordCounts.computeIfAbsent(word, w -> new long[1])[0]++;
            }
        }
    }

    /** Counts every text. */
    public BpeTokenizerTrainer addAll(Iterable<String> texts) {
        texts.forEach(this::add);
        return this;
    }

    /**
     * Learns merges until there are {@code vocabSize} tokens including the added special tokens.
     *
     * @throws IllegalArgumentException when the size cannot hold the 256 bytes and the special tokens, or the text has
     *                                  too few repeated pairs to reach it
     */
    public BpeModel train(int vocabSize) {
        int learned = vocabSize - SpecialTokens.ALL.size();
        if (learned < 256) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " is too small: the 256 byte tokens and "
                    + SpecialTokens.ALL.size() + " special tokens need at least " + (256 + SpecialTokens.ALL.size()));
        }
        List<String> tokens = new ArrayList<>(learned);
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteSymbols.of(b)));
            idOf.put(tokens.get(b), b);
        }
        Words words = new Words(wordCounts);
        List<BpeModel.Merge> merges = new ArrayList<>();
        while (tokens.size() < learned) {
            long pair = words.bestPair();
            if (pair < 0) {
                throw new IllegalArgumentException("the text supports only " + tokens.size() + " learned tokens (no pair "
                        + "of tokens is repeated " + MIN_PAIR_COUNT + " times any more), " + learned + " were asked for; "
                        + "give more text or a smaller vocabSize");
            }
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            String merged = tokens.get(left) + tokens.get(right);
            Integer result = idOf.get(merged);
            if (result == null) {
                result = tokens.size();
                tokens.add(merged);
                idOf.put(merged, result);
            }
            merges.add(new BpeModel.Merge(left, right, result));
            words.merge(left, right, result);
        }
        return new BpeModel(tokens, merges);
    }

    /** The distinct words as token-id sequences with their counts, and the pair counts kept up to date across merges. */
    private static final class Words {

        private final int[][] symbols;
        private final long[] counts;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        /** The words a pair may occur in (entries may be stale after merges; checked when used). */
        private final Map<Long, List<Integer>> pairWords = new HashMap<>();
        private final PriorityQueue<long[]> queue = new PriorityQueue<>(Words::beforeInQueue);

        Words(Map<String, long[]> wordCounts) {
            symbols = new int[wordCounts.size()][];
            counts = new long[wordCounts.size()];
            int w = 0;
            for (Map.Entry<String, long[]> entry : wordCounts.entrySet()) {
                byte[] bytes = entry.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int[] ids = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    ids[i] = bytes[i] & 0xFF;
                }
                symbols[w] = ids;
                counts[w] = entry.getValue()[0];
                for (int i = 0; i + 1 < ids.length; i++) {
                    long pair = pair(ids[i], ids[i + 1]);
                    pairCounts.merge(pair, counts[w], Long::sum);
                    pairWords.computeIfAbsent(pair, p -> new ArrayList<>()).add(w);
                }
                w++;
            }
            pairCounts.forEach((pair, count) -> queue.add(new long[] {count, pair}));
        }

        /** Highest count first; equal counts by smaller left id, then smaller right id. */
        private static int beforeInQueue(long[] a, long[] b) {
            if (a[0] != b[0]) {
                return Long.compare(b[0], a[0]);
            }
            return Long.compare(a[1], b[1]);
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | (right & 0xFFFFFFFFL);
        }

        /** The pair to merge next, or -1 when none is repeated often enough. */
        long bestPair() {
            while (!queue.isEmpty()) {
                long[] top = queue.poll();
                long current = pairCounts.getOrDefault(top[1], 0L);
                if (current == top[0]) {
                    return current >= MIN_PAIR_COUNT ? top[1] : -1;
                }
                if (current > 0) {
                    queue.add(new long[] {current, top[1]});
                }
            }
            return -1;
        }

        /** Replaces left-to-right, non-overlapping occurrences of (left, right) by result in every word holding them. */
        void merge(int left, int right, int result) {
            long merged = pair(left, right);
            List<Integer> holders = pairWords.remove(merged);
            pairCounts.remove(merged);
            Map<Long, Long> delta = new LinkedHashMap<>();
            int previous = -1;
            for (int w : holders) {
                if (w == previous) {
                    continue;
                }
                previous = w;
                int[] old = symbols[w];
                int[] now = replaced(old, left, right, result);
                if (now == null) {
                    continue;
                }
                symbols[w] = now;
                for (int i = 0; i + 1 < old.length; i++) {
                    delta.merge(pair(old[i], old[i + 1]), -counts[w], Long::sum);
                }
                for (int i = 0; i + 1 < now.length; i++) {
                    long p = pair(now[i], now[i + 1]);
                    delta.merge(p, counts[w], Long::sum);
                    if (now[i] == result || now[i + 1] == result) {
                        List<Integer> list = pairWords.computeIfAbsent(p, k -> new ArrayList<>());
                        if (list.isEmpty() || list.getLast() != w) {
                            list.add(w);
                        }
                    }
                }
            }
            for (Map.Entry<Long, Long> change : delta.entrySet()) {
                long p = change.getKey();
                if (p == merged || change.getValue() == 0) {
                    continue;
                }
                long count = pairCounts.getOrDefault(p, 0L) + change.getValue();
                if (count <= 0) {
                    pairCounts.remove(p);
                } else {
                    pairCounts.put(p, count);
                }
                if (change.getValue() > 0) {
                    queue.add(new long[] {count, p});
                }
            }
        }

        private static int[] replaced(int[] word, int left, int right, int result) {
            int[] out = null;
            int n = 0;
            for (int i = 0; i < word.length; i++) {
                if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                    if (out == null) {
                        out = new int[word.length - 1];
                        System.arraycopy(word, 0, out, 0, i);
                        n = i;
                    }
                    out[n++] = result;
                    i++;
                } else if (out != null) {
                    out[n++] = word[i];
                }
            }
            return out == null ? null : java.util.Arrays.copyOf(out, n);
        }
    }
}
