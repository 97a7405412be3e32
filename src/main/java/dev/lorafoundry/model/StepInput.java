package dev.lorafoundry.model;

import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.model.lora.StepAdapters;
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
     * @param adapter     the LoRA adapter this sequence runs with, or null for the base model
     */
    public record Row(KvCache cache, int[] tokens, int startPosition, boolean allLogits, PreparedLora adapter) {

        /** A row on the base model. */
        public Row(KvCache cache, int[] tokens, int startPosition, boolean allLogits) {
            this(cache, tokens, startPosition, allLogits, null);
        }
    }

    public int totalTokens() {
        int total = 0;
        for (Row row : rows) {
            total += row.tokens().length;
        }
        return total;
    }

    /** The step's tokens grouped by adapter; null when every row runs on the base model. */
    public StepAdapters adapters() {
        int[] counts = new int[rows.size()];
        PreparedLora[] adapters = new PreparedLora[rows.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = rows.get(i).tokens().length;
            adapters[i] = rows.get(i).adapter();
        }
        return StepAdapters.of(counts, adapters);
    }
}
