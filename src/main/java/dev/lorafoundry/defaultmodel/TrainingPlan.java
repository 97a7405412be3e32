package dev.lorafoundry.defaultmodel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The default model's shape and its three training runs' settings (pre-training, full SFT, the pirate LoRA adapter).
 * The defaults were picked by measuring tokens/s on 2 cores so the whole pipeline takes about half an hour and the
 * model stays well under 20 MB.
 *
 * @param qkNorm          Qwen3's per-head RMSNorm on queries and keys (written as a Qwen3 model); without it the
 *                        attention logits grow until every head attends to one token, and the model stops learning to
 *                        look back at the prompt (measured: a tool call's city independent of the city asked)
 * @param hidden          hidden size
 * @param intermediate    MLP size
 * @param layers          decoder layers
 * @param heads           attention heads
 * @param kvHeads         key/value heads (GQA)
 * @param pretrainSteps   pre-training optimizer steps
 * @param pretrainBlock   tokens per pre-training block
 * @param pretrainBatch   blocks per pre-training step
 * @param pretrainLr      pre-training peak learning rate
 * @param sftEpochs       SFT epochs over the conversations
 * @param sftBatch        packed rows per SFT step
 * @param sftCutoff       tokens per packed SFT row
 * @param sftLr           SFT peak learning rate
 * @param pirateEpochs    pirate adapter epochs
 * @param pirateRank      pirate adapter LoRA rank
 * @param pirateLr        pirate adapter peak learning rate
 * @param dtype           the model's dtype on disk (F32 or BF16)
 * @param threads         libtorch threads (1 by default: bit-identical reruns, and faster at this size)
 * @param base            an already pre-trained model folder to start SFT from (skips pre-training), or null
 * @param chat            an already fine-tuned model folder to train the adapter on (skips both), or null
 */
public record TrainingPlan(boolean qkNorm, int hidden, int intermediate, int layers, int heads, int kvHeads,
                           int pretrainSteps, int pretrainBlock, int pretrainBatch, double pretrainLr, double sftEpochs,
                           int sftBatch, int sftCutoff, double sftLr, double pirateEpochs, int pirateRank,
                           double pirateLr, String dtype, int threads, Path base, Path chat) {

    public static TrainingPlan defaults() {
        // One libtorch thread: this model's ops are too small to split, and OpenMP's barriers cost more than a second
        // core gains (measured here: ~2,500 tokens/s pre-training on 1 thread, ~460 on 2 with the other core busy).
        return new TrainingPlan(true, 256, 688, 4, 4, 2, 1200, 256, 8, 3e-3, 1.5, 2, 512, 1e-3, 0.3, 16, 3e-3, "F32",
                1, null, null);
    }

    private static final String INDENT = " ".repeat("usage: bin/make-default-model ".length());
    static final String USAGE = INDENT + "[--qk-norm true|false] [--pretrain-steps N] [--sft-epochs X] [--sft-batch N]"
            + " [--sft-lr X]\n" + INDENT + "[--pirate-epochs X] [--layers N] [--dtype F32|BF16] [--threads N]\n" + INDENT
            + "[--base DIR | --chat DIR] [--data-only true]";

    private static final List<String> OPTIONS = List.of("--qk-norm", "--pretrain-steps", "--sft-epochs", "--sft-batch",
            "--sft-lr", "--pirate-epochs", "--layers", "--dtype", "--threads", "--base", "--chat", "--data-only");

    /**
     * Takes this plan's options out of {@code args} (the rest stay for {@link FoundryPipeline#parse}); returns the
     * plan, or null when {@code --data-only true} asks for the data steps alone.
     */
    static TrainingPlan take(List<String> args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.size() - 1; ) {
            if (OPTIONS.contains(args.get(i))) {
                given.put(args.remove(i), args.remove(i));
            } else {
                i += 2;
            }
        }
        if (Boolean.parseBoolean(given.getOrDefault("--data-only", "false"))) {
            return null;
        }
        TrainingPlan d = defaults();
        String dtype = given.getOrDefault("--dtype", d.dtype);
        if (!dtype.equals("F32") && !dtype.equals("BF16")) {
            throw new IllegalArgumentException("--dtype must be F32 or BF16, got '" + dtype + "'");
        }
        return new TrainingPlan(bool(given, "--qk-norm", d.qkNorm), d.hidden, d.intermediate,
                integer(given, "--layers", d.layers), d.heads, d.kvHeads, integer(given, "--pretrain-steps",
                d.pretrainSteps), d.pretrainBlock, d.pretrainBatch, d.pretrainLr, number(given, "--sft-epochs",
                d.sftEpochs), integer(given, "--sft-batch", d.sftBatch), d.sftCutoff, number(given, "--sft-lr", d.sftLr),
                number(given, "--pirate-epochs", d.pirateEpochs), d.pirateRank, d.pirateLr, dtype,
                integer(given, "--threads", d.threads),
                given.containsKey("--base") ? Path.of(given.get("--base")) : null,
                given.containsKey("--chat") ? Path.of(given.get("--chat")) : null);
    }

    private static boolean bool(Map<String, String> given, String key, boolean fallback) {
        String value = given.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static int integer(Map<String, String> given, String key, int fallback) {
        return parsed(given, key, fallback, Integer::parseInt, "a whole number");
    }

    private static double number(Map<String, String> given, String key, double fallback) {
        return parsed(given, key, fallback, Double::parseDouble, "a number");
    }

    /** The option's value read by {@code parse}, or the fallback when it was not given. */
    private static <T> T parsed(Map<String, String> given, String key, T fallback, Function<String, T> parse,
                                String expected) {
        String value = given.get(key);
        try {
            return value == null ? fallback : parse.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs " + expected + ", got '" + value + "'");
        }
    }
}
