package dev.lorafoundry.defaultmodel;

import java.nio.file.Path;
import java.util.List;

/**
 * The default model's shape and its three training runs' settings (pre-training, full SFT, the pirate LoRA adapter).
 * The defaults were picked by measuring tokens/s on 2 cores so the whole pipeline takes about half an hour and the
 * model stays well under 20 MB.
 *
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
public record TrainingPlan(int hidden, int intermediate, int layers, int heads, int kvHeads, int pretrainSteps,
                           int pretrainBlock, int pretrainBatch, double pretrainLr, double sftEpochs, int sftBatch,
                           int sftCutoff, double sftLr, double pirateEpochs, int pirateRank, double pirateLr,
                           String dtype, int threads, Path base, Path chat) {

    public static TrainingPlan defaults() {
        // One libtorch thread: this model's ops are too small to split, and OpenMP's barriers cost more than a second
        // core gains (measured here: ~2,500 tokens/s pre-training on 1 thread, ~460 on 2 with the other core busy).
        return new TrainingPlan(256, 688, 4, 4, 2, 475, 256, 8, 3e-3, 0.55, 8, 512, 1e-3, 0.2, 16, 3e-3, "F32", 1,
                null, null);
    }

    static final String USAGE = "[--pretrain-steps N] [--sft-epochs X] [--sft-batch N] [--sft-lr X] [--pirate-epochs X]"
            + " [--layers N] [--dtype F32|BF16] [--threads N] [--base DIR | --chat DIR] [--data-only true]";

    /**
     * Takes this plan's options out of {@code args} (the rest stay for {@link FoundryPipeline#parse}); returns the
     * plan, or null when {@code --data-only true} asks for the data steps alone.
     */
    static TrainingPlan take(List<String> args) {
        TrainingPlan p = defaults();
        boolean dataOnly = false;
        for (int i = 0; i < args.size() - 1; ) {
            String key = args.get(i);
            String value = args.get(i + 1);
            try {
                TrainingPlan next = switch (key) {
                    case "--pretrain-steps" -> p.with(Integer.parseInt(value), p.sftEpochs, p.pirateEpochs, p.layers,
                            p.dtype, p.threads);
                    case "--sft-epochs" -> p.with(p.pretrainSteps, Double.parseDouble(value), p.pirateEpochs, p.layers,
                            p.dtype, p.threads);
                    case "--pirate-epochs" -> p.with(p.pretrainSteps, p.sftEpochs, Double.parseDouble(value), p.layers,
                            p.dtype, p.threads);
                    case "--layers" -> p.with(p.pretrainSteps, p.sftEpochs, p.pirateEpochs, Integer.parseInt(value),
                            p.dtype, p.threads);
                    case "--dtype" -> p.with(p.pretrainSteps, p.sftEpochs, p.pirateEpochs, p.layers, dtype(value),
                            p.threads);
                    case "--threads" -> p.with(p.pretrainSteps, p.sftEpochs, p.pirateEpochs, p.layers, p.dtype,
                            Integer.parseInt(value));
                    case "--sft-batch" -> new TrainingPlan(p.hidden, p.intermediate, p.layers, p.heads, p.kvHeads,
                            p.pretrainSteps, p.pretrainBlock, p.pretrainBatch, p.pretrainLr, p.sftEpochs,
                            Integer.parseInt(value), p.sftCutoff, p.sftLr, p.pirateEpochs, p.pirateRank, p.pirateLr,
                            p.dtype, p.threads, p.base, p.chat);
                    case "--sft-lr" -> new TrainingPlan(p.hidden, p.intermediate, p.layers, p.heads, p.kvHeads,
                            p.pretrainSteps, p.pretrainBlock, p.pretrainBatch, p.pretrainLr, p.sftEpochs, p.sftBatch,
                            p.sftCutoff, Double.parseDouble(value), p.pirateEpochs, p.pirateRank, p.pirateLr,
                            p.dtype, p.threads, p.base, p.chat);
                    case "--base" -> new TrainingPlan(p.hidden, p.intermediate, p.layers, p.heads, p.kvHeads,
                            p.pretrainSteps, p.pretrainBlock, p.pretrainBatch, p.pretrainLr, p.sftEpochs, p.sftBatch,
                            p.sftCutoff, p.sftLr, p.pirateEpochs, p.pirateRank, p.pirateLr, p.dtype, p.threads,
                            Path.of(value), p.chat);
                    case "--chat" -> new TrainingPlan(p.hidden, p.intermediate, p.layers, p.heads, p.kvHeads,
                            p.pretrainSteps, p.pretrainBlock, p.pretrainBatch, p.pretrainLr, p.sftEpochs, p.sftBatch,
                            p.sftCutoff, p.sftLr, p.pirateEpochs, p.pirateRank, p.pirateLr, p.dtype, p.threads,
                            p.base, Path.of(value));
                    case "--data-only" -> {
                        dataOnly = Boolean.parseBoolean(value);
                        yield p;
                    }
                    default -> null;
                };
                if (next == null) {
                    i += 2;
                    continue;
                }
                p = next;
                args.remove(i);
                args.remove(i);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " needs a number, got '" + value + "'");
            }
        }
        return dataOnly ? null : p;
    }

    private static String dtype(String value) {
        if (!value.equals("F32") && !value.equals("BF16")) {
            throw new IllegalArgumentException("--dtype must be F32 or BF16, got '" + value + "'");
        }
        return value;
    }

    private TrainingPlan with(int pretrainSteps, double sftEpochs, double pirateEpochs, int layers, String dtype,
                              int threads) {
        return new TrainingPlan(hidden, intermediate, layers, heads, kvHeads, pretrainSteps, pretrainBlock,
                pretrainBatch, pretrainLr, sftEpochs, sftBatch, sftCutoff, sftLr, pirateEpochs, pirateRank, pirateLr,
                dtype, threads, base, chat);
    }
}
