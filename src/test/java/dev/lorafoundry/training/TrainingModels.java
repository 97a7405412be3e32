package dev.lorafoundry.training;

import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import dev.lorafoundry.training.data.EncodedExample;
import dev.lorafoundry.training.data.PackedSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny random Llama models the training tests write for themselves (byte-level tokenizer, ChatML template). */
final class TrainingModels {

    private TrainingModels() {}

    /** Hidden 32, 2 layers, 4 heads over 2 KV heads (GQA), vocab 320: for gradient checks. */
    static final RandomModelSpec GRADIENT_CHECK = new RandomModelSpec("grad-check", "LlamaForCausalLM", 32, 64, 2, 4, 2,
            null, 320, false, "F32", 1, null, 512, 17L, 0.2);

    /** Hidden 64, 2 layers, GQA, vocab 512, tied embeddings: for learning, resuming and serving tests. */
    static final RandomModelSpec SMALL = new RandomModelSpec("train-small", "LlamaForCausalLM", 64, 160, 2, 4, 2,
            null, 512, true, "F32", 1, null, 1024, 5L, 0.08);

    /** Writes the model under target/ once per JVM; returns its folder. */
    static synchronized Path write(RandomModelSpec spec) {
        Path dir = Path.of("target/test-models/training", spec.name());
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            RandomModelWriter.write(spec, dir);
        }
        return dir;
    }

    /**
     * The gradient checks' batch: a padded row and a packed row of two examples (loss on part of each), so masks,
     * positions and padding are all in play; token ids seeded, below {@code vocab}.
     */
    static TrainingBatch gradientCheckBatch(int vocab) {
        SplittableRandom random = new SplittableRandom(7);
        int[] single = new int[11];
        boolean[] singleLoss = new boolean[11];
        for (int i = 0; i < single.length; i++) {
            single[i] = random.nextInt(vocab);
            singleLoss[i] = i >= 4;
        }
        int length = 14;
        int[] ids = new int[length];
        boolean[] loss = new boolean[length];
        int[] positions = new int[length];
        int[] segments = new int[length];
        for (int i = 0; i < length; i++) {
            boolean first = i < 6;
            ids[i] = random.nextInt(vocab);
            segments[i] = i < 13 ? (first ? 1 : 2) : 0;
            positions[i] = first ? i : i - 6;
            loss[i] = segments[i] != 0 && positions[i] >= 2;
        }
        List<PackedSequence> rows = new ArrayList<>();
        rows.add(TrainingBatch.single(new EncodedExample(single, singleLoss)));
        rows.add(new PackedSequence(ids, loss, positions, segments));
        return TrainingBatch.of(rows, 0);
    }
}
