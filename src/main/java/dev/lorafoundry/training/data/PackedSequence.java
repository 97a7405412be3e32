package dev.lorafoundry.training.data;

/**
 * Several SFT examples in one sequence of cutoff_len tokens. Segment ids number the examples 1, 2, ... (0 is padding);
 * a token may attend to a key only in its own segment and not after itself (block-diagonal causal), and position ids
 * restart at 0 for every example so each sees the positions it would see alone.
 *
 * @param inputIds    the tokens, padding at the end
 * @param lossMask    loss per token (false on padding)
 * @param positionIds position of each token within its example (0 on padding)
 * @param segmentIds  example number of each token, 0 for padding
 */
public record PackedSequence(int[] inputIds, boolean[] lossMask, int[] positionIds, int[] segmentIds) {

    public int length() {
        return inputIds.length;
    }

    /**
     * Whether query token q may attend to key token k. Padding tokens attend only to themselves, so their softmax row
     * is never empty (an all-masked row would give NaN).
     */
    public boolean attends(int q, int k) {
        if (segmentIds[q] == 0) {
            return q == k;
        }
        return k <= q && segmentIds[k] == segmentIds[q];
    }

    /** The full mask, [query][key]. */
    public boolean[][] attentionMask() {
        int n = inputIds.length;
        boolean[][] mask = new boolean[n][n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                mask[q][k] = attends(q, k);
            }
        }
        return mask;
    }

    /**
     * Hugging Face labels (the model shifts them): the token where it carries loss, -100 elsewhere and at the first
     * token of every example, which must not be learned from the previous example's last token.
     */
    public int[] labels() {
        int[] labels = new int[inputIds.length];
        for (int i = 0; i < labels.length; i++) {
            boolean segmentStart = i == 0 || segmentIds[i] != segmentIds[i - 1];
            labels[i] = lossMask[i] && !segmentStart ? inputIds[i] : EncodedExample.IGNORE_INDEX;
        }
        return labels;
    }

    /** How many examples the sequence holds. */
    public int examples() {
        int max = 0;
        for (int s : segmentIds) {
            max = Math.max(max, s);
        }
        return max;
    }
}
