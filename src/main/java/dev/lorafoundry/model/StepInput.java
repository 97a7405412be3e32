package dev.lorafoundry.model;

import java.util.List;

/**
 * One forward step over several sequences at once: each contributes a run of new tokens at its own position.
 *
 * @param rows the sequences in this step, in the order their tokens are laid out
 */
public record StepInput(List<Row> rows) {

    /**
     * New tokens of one sequence.
     *
     * @param cache       the sequence's KV cache (written at positions [startPosition, startPosition + tokens.length))
     * @param tokens      the new token ids
     * @param startPosition position of tokens[0] in the sequence
     * @param allLogits   true: return logits for every new token (prompt log-probs); false: only for the last
     */
    public record Row(KvCache cache, int[] tokens, int startPosition, boolean allLogits) {}

    public int totalTokens() {
        int total = 0;
        for (Row row : rows) {
            total += row.tokens().length;
        }
        return total;
    }
}
