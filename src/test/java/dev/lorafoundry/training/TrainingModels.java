package dev.lorafoundry.training;

import dev.lorafoundry.model.RandomModelSpec;
import dev.lorafoundry.model.RandomModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
