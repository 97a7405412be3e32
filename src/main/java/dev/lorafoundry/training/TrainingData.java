package dev.lorafoundry.training;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.DataProblem;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetLoader;
import dev.lorafoundry.training.data.Document;
import dev.lorafoundry.training.data.EncodedExample;
import dev.lorafoundry.training.data.EncodingException;
import dev.lorafoundry.training.data.PackedSequence;
import dev.lorafoundry.training.data.PretrainEncoder;
import dev.lorafoundry.training.data.ReadResult;
import dev.lorafoundry.training.data.SftEncoder;
import dev.lorafoundry.training.data.SftOptions;
import dev.lorafoundry.training.data.SftPacker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A run's data, encoded: training rows (packed for SFT with packing, blocks for pre-training) and validation rows
 * (a validation file, or val_size examples held out of the training file by a seeded draw). Records that cannot be
 * used are skipped and reported.
 *
 * @param train      rows to train on
 * @param validation rows to evaluate on (may be empty)
 * @param examples   training examples before packing
 * @param skipped    records skipped (unreadable, unencodable or with nothing to learn)
 */
public record TrainingData(List<PackedSequence> train, List<PackedSequence> validation, int examples, int skipped) {

    /** Pad token of every batch: never attended to, never trained on. */
    static final int PAD_ID = 0;

    public static TrainingData load(TrainingSpec spec, ChatTemplate template, Tokenizer tokenizer,
                                    Consumer<String> messages) {
        boolean pretraining = "pt".equalsIgnoreCase(spec.stage());
        if (!pretraining && !"sft".equalsIgnoreCase(spec.stage())) {
            throw new IllegalArgumentException("stage \"" + spec.stage() + "\" is not supported; use sft or pt");
        }
        int[] skipped = {0};
        List<EncodedExample> examples = encode(spec, spec.train(), pretraining, template, tokenizer, messages, skipped);
        List<EncodedExample> heldOut = new ArrayList<>();
        if (spec.validation() != null) {
            heldOut = encode(spec, spec.validation(), pretraining, template, tokenizer, messages, skipped);
        } else if (spec.valSize() > 0) {
            int count = spec.valSize() < 1 ? (int) Math.max(1, Math.round(spec.valSize() * examples.size()))
                    : (int) spec.valSize();
            if (count >= examples.size()) {
                throw new IllegalArgumentException("val_size " + spec.valSize() + " holds out " + count + " of "
                        + examples.size() + " examples, leaving none to train on; lower val_size");
            }
            List<EncodedExample> shuffled = new ArrayList<>(examples);
            shuffle(shuffled, new SplittableRandom(spec.seed()));
            heldOut = new ArrayList<>(shuffled.subList(0, count));
            examples = new ArrayList<>(shuffled.subList(count, shuffled.size()));
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("the training data has no example with a token to learn ("
                    + skipped[0] + " records skipped)");
        }
        List<PackedSequence> rows;
        if (spec.packing() && !pretraining) {
            rows = new SftPacker(spec.cutoffLen(), PAD_ID).pack(examples);
        } else {
            rows = examples.stream().map(TrainingBatch::single).toList();
        }
        return new TrainingData(rows, heldOut.stream().map(TrainingBatch::single).toList(), examples.size(),
                skipped[0]);
    }

    private static List<EncodedExample> encode(TrainingSpec spec, DatasetEntry entry, boolean pretraining,
                                               ChatTemplate template, Tokenizer tokenizer, Consumer<String> messages,
                                               int[] skipped) {
        if (pretraining) {
            ReadResult<Document> read = DatasetLoader.documents(entry);
            report(entry, read.problems(), messages, skipped);
            PretrainEncoder.Blocks blocks = new PretrainEncoder(tokenizer, spec.cutoffLen()).encode(read.records());
            if (blocks.droppedTokens() > 0) {
                messages.accept(entry.name() + ": the last " + blocks.droppedTokens() + " tokens did not fill a block of "
                        + spec.cutoffLen() + " and are not trained on");
            }
            return blocks.blocks();
        }
        ReadResult<Conversation> read = DatasetLoader.conversations(entry);
        report(entry, read.problems(), messages, skipped);
        SftEncoder encoder = new SftEncoder(template, tokenizer,
                new SftOptions(spec.cutoffLen(), spec.trainOnPrompt(), spec.maskHistory(), Map.of()));
        List<EncodedExample> examples = new ArrayList<>();
        for (Conversation conversation : read.records()) {
            try {
                EncodedExample example = encoder.encode(conversation);
                if (example.trainedTokens() == 0) {
                    skipped[0]++;
                    messages.accept(entry.name() + ": line " + conversation.line() + " has no token to learn after "
                            + "cutting to cutoff_len " + spec.cutoffLen() + "; skipped");
                } else {
                    examples.add(example);
                }
            } catch (EncodingException e) {
                skipped[0]++;
                messages.accept(entry.name() + ": " + e.getMessage() + "; skipped");
            }
        }
        return examples;
    }

    private static void report(DatasetEntry entry, List<DataProblem> problems, Consumer<String> messages,
                               int[] skipped) {
        skipped[0] += problems.size();
        for (DataProblem problem : problems) {
            messages.accept(entry.name() + " (" + entry.file().getFileName() + ") " + problem + "; skipped");
        }
    }

    /** Fisher–Yates with our own generator, so the order depends on the seed alone. */
    static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
