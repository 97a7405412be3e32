package dev.lorafoundry.training;

import dev.lorafoundry.training.data.PackedSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order micro-batches take the rows in: every epoch a fresh permutation drawn from (seed, epoch), cut into
 * micro-batches of batch_size (the last one of an epoch may be smaller); optimizer step s takes micro-batches
 * s·accumulation … s·accumulation + accumulation − 1 of that endless stream. So the data position of a run is its step
 * alone, and a resumed run sees exactly the batches the uninterrupted run would have.
 */
final class TrainingBatches {

    private final List<PackedSequence> rows;
    private final int batchSize;
    private final int accumulation;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    TrainingBatches(List<PackedSequence> rows, int batchSize, int accumulation, long seed) {
        if (batchSize < 1 || accumulation < 1) {
            throw new IllegalArgumentException("per_device_train_batch_size and gradient_accumulation_steps must be at"
                    + " least 1, got " + batchSize + " and " + accumulation);
        }
        this.rows = List.copyOf(rows);
        this.batchSize = batchSize;
        this.accumulation = accumulation;
        this.seed = seed;
    }

    int microBatchesPerEpoch() {
        return (rows.size() + batchSize - 1) / batchSize;
    }

    /** max_steps when positive, else ⌈epochs · micro-batches per epoch / accumulation⌉ (at least 1). */
    int totalSteps(int maxSteps, double epochs) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        if (!(epochs > 0)) {
            throw new IllegalArgumentException("num_train_epochs must be positive when max_steps is 0, got " + epochs);
        }
        return (int) Math.max(1, Math.ceil(epochs * microBatchesPerEpoch() / accumulation - 1e-9));
    }

    /** Epochs done after {@code steps} optimizer steps. */
    double epochAfter(int steps) {
        return (double) steps * accumulation / microBatchesPerEpoch();
    }

    /** The micro-batches of optimizer step {@code step} (0-based). */
    List<TrainingBatch> step(int step) {
        List<TrainingBatch> batches = new ArrayList<>(accumulation);
        for (int i = 0; i < accumulation; i++) {
            batches.add(micro((long) step * accumulation + i));
        }
        return batches;
    }

    private TrainingBatch micro(long index) {
        int perEpoch = microBatchesPerEpoch();
        int epoch = (int) (index / perEpoch);
        int within = (int) (index % perEpoch);
        int[] order = order(epoch);
        List<PackedSequence> chosen = new ArrayList<>(batchSize);
        for (int i = within * batchSize; i < Math.min(order.length, (within + 1) * batchSize); i++) {
            chosen.add(rows.get(order[i]));
        }
        return TrainingBatch.of(chosen, TrainingData.PAD_ID);
    }

    private int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            List<Integer> indexes = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                indexes.add(i);
            }
            TrainingData.shuffle(indexes, new SplittableRandom(seed * 1_000_003L + epoch));
            cachedOrder = indexes.stream().mapToInt(Integer::intValue).toArray();
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    /** Validation rows in micro-batches of batch_size, in file order. */
    static List<TrainingBatch> evaluation(List<PackedSequence> rows, int batchSize) {
        List<TrainingBatch> batches = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += batchSize) {
            batches.add(TrainingBatch.of(rows.subList(i, Math.min(rows.size(), i + batchSize)), TrainingData.PAD_ID));
        }
        return batches;
    }
}
