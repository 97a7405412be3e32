package dev.lorafoundry.training;

import dev.lorafoundry.training.data.EncodedExample;
import dev.lorafoundry.training.data.PackedSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * One micro-batch as the training forward takes it: {@code rows} sequences padded to {@code length}, flattened row by
 * row. Attention is causal within each segment (block-diagonal for packed rows); padding attends only to itself.
 *
 * @param rows          sequences in the batch
 * @param length        tokens per row (the longest row; shorter ones are padded)
 * @param inputIds      [rows·length]
 * @param positionIds   [rows·length] position within its example (RoPE)
 * @param segmentIds    [rows·length] example number within its row, 0 for padding
 * @param predictRows   flat indexes of the tokens whose logits predict a trained token
 * @param targets       the trained token each of those predicts
 * @param tokens        non-padding tokens
 */
public record TrainingBatch(int rows, int length, int[] inputIds, int[] positionIds, int[] segmentIds,
                            int[] predictRows, int[] targets, int tokens) {

    /** Pads and flattens the sequences; {@code padId} is never attended to or trained on. */
    public static TrainingBatch of(List<PackedSequence> sequences, int padId) {
        int rows = sequences.size();
        int length = 0;
        for (PackedSequence s : sequences) {
            length = Math.max(length, s.length());
        }
        int[] ids = new int[rows * length];
        int[] positions = new int[rows * length];
        int[] segments = new int[rows * length];
        java.util.Arrays.fill(ids, padId);
        List<Integer> predict = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        int tokens = 0;
        for (int r = 0; r < rows; r++) {
            PackedSequence s = sequences.get(r);
            int base = r * length;
            System.arraycopy(s.inputIds(), 0, ids, base, s.length());
            System.arraycopy(s.positionIds(), 0, positions, base, s.length());
            System.arraycopy(s.segmentIds(), 0, segments, base, s.length());
            int[] labels = s.labels();
            for (int i = 0; i < s.length(); i++) {
                tokens += s.segmentIds()[i] == 0 ? 0 : 1;
                if (i > 0 && labels[i] != EncodedExample.IGNORE_INDEX) {
                    predict.add(base + i - 1);
                    targets.add(labels[i]);
                }
            }
        }
        return new TrainingBatch(rows, length, ids, positions, segments,
                predict.stream().mapToInt(Integer::intValue).toArray(),
                targets.stream().mapToInt(Integer::intValue).toArray(), tokens);
    }

    /** One example as a row of its own: positions 0.., one segment. */
    public static PackedSequence single(EncodedExample example) {
        int n = example.length();
        int[] positions = new int[n];
        int[] segments = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
            segments[i] = 1;
        }
        return new PackedSequence(example.inputIds().clone(), example.lossMask().clone(), positions, segments);
    }

    /** Tokens that carry loss. */
    public int trainedTokens() {
        return targets.length;
    }

    /** Whether query token q may attend to key token k of the same row. */
    boolean attends(int row, int q, int k) {
        int base = row * length;
        int segment = segmentIds[base + q];
        if (segment == 0) {
            return q == k;
        }
        return k <= q && segmentIds[base + k] == segment;
    }
}
