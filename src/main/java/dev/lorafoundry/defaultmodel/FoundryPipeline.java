package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.training.data.Conversation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The project's own default-model pipeline, one command from a seed (bin/make-default-model): generate the pre-training
 * corpus and the SFT conversations (plain and pirate), train the tokenizer on them, then pre-train the model from random
 * weights, fine-tune all its weights on the conversations, and train the pirate LoRA adapter over it
 * ({@link FoundryTraining}). Everything it writes depends on the options only (the trained weights up to the order of
 * libtorch's multithreaded sums).
 */
public final class FoundryPipeline {

    /**
     * What to make.
     *
     * @param out            work folder (created)
     * @param seed           the one seed every generator and trainer starts from
     * @param vocabSize      tokenizer size including the added tokens
     * @param conversations  SFT conversations per voice
     * @param corpusChars    approximate size of the pre-training text
     * @param modelMaxLength the tokenizer's model_max_length
     * @param identity       the assistant's name and author
     * @param identitySource LLaMA-Factory's identity.json to convert as well, or null to skip
     * @param demoIdentity   the identity the README demo teaches (the identity data sets' name and author)
     */
    public record Options(Path out, long seed, int vocabSize, int conversations, int corpusChars, int modelMaxLength,
                          AssistantIdentity identity, Path identitySource, AssistantIdentity demoIdentity) {

        public static Options defaults(Path out) {
            return new Options(out, 20250101L, 2048, 6000, 2_000_000, 1024, AssistantIdentity.FOUNDRY, null,
                    new AssistantIdentity("Nova", "Acme Labs"));
        }
    }

    /**
     * What the data steps wrote.
     *
     * @param corpus        pre-training text, one document per line
     * @param sft           the default model's SFT conversations (OpenAI chat JSONL)
     * @param shipped       shipped prompts with their expected answers
     * @param pirateSft     the pirate adapter's SFT conversations (same questions)
     * @param pirateShipped the pirate adapter's shipped prompts
     * @param tokenizerDir  tokenizer.json and tokenizer_config.json
     * @param identityDemo  the README demo's identity data set (the demo name in the default model's own phrasing)
     * @param vocabSize     tokens in the tokenizer, added tokens included
     */
    public record Outputs(Path corpus, Path sft, Path shipped, Path pirateSft, Path pirateShipped, Path tokenizerDir,
                          Path identityDemo, int vocabSize) {}

    /** The tokenizer learns from every this-many-th conversation (and the whole corpus). */
    static final int TOKENIZER_SAMPLE_STEP = 10;

    private final Options options;
    private final FoundryTraining training;

    /** A pipeline that makes the data only. */
    public FoundryPipeline(Options options) {
        this(options, null);
    }

    /** A pipeline that also trains, as {@code plan} says (null: data only). */
    public FoundryPipeline(Options options, TrainingPlan plan) {
        this.options = options;
        this.training = plan == null ? null : new FoundryTraining(plan, options.seed(), options.out());
    }

    public static void main(String[] args) {
        Options options;
        TrainingPlan plan;
        try {
            List<String> rest = new ArrayList<>(List.of(args));
            plan = TrainingPlan.take(rest);
            options = parse(rest.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        FoundryPipeline pipeline = new FoundryPipeline(options, plan);
        long start = System.nanoTime();
        Outputs outputs = pipeline.makeData();
        System.out.printf("data and tokenizer made in %.1f s%n", (System.nanoTime() - start) / 1e9);
        Optional<Path> base = pipeline.pretrain(outputs);
        System.out.printf("after pre-training: %.1f s%n", (System.nanoTime() - start) / 1e9);
        Optional<Path> chat = base.flatMap(b -> pipeline.supervisedFineTune(b, outputs));
        System.out.printf("after SFT: %.1f s%n", (System.nanoTime() - start) / 1e9);
        Optional<Path> adapter = chat.flatMap(c -> pipeline.trainPirateAdapter(c, outputs));
        if (adapter.isPresent()) {
            System.out.printf("done in %.1f s: the default model is %s, the example adapter %s%n"
                            + "ship them with: rm -rf models/%s adapters/%s && cp -r %s models/ && cp -r %s adapters/%n",
                    (System.nanoTime() - start) / 1e9, chat.get(), adapter.get(), FoundryTraining.MODEL_NAME,
                    FoundryTraining.ADAPTER_NAME, chat.get(), adapter.get());
        }
    }

    static final String USAGE = """
            usage: bin/make-default-model [--out DIR] [--seed N] [--vocab-size N] [--conversations N] [--corpus-chars N]
                                          [--name NAME] [--author AUTHOR] [--identity-source identity.json]
                                          """ + TrainingPlan.USAGE;

    static Options parse(String[] args) {
        Options o = Options.defaults(Path.of("target/default-model"));
        String name = o.identity().name();
        String author = o.identity().author();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(key + " needs a value");
            }
            String value = args[++i];
            try {
                o = switch (key) {
                    case "--out" -> new Options(Path.of(value), o.seed(), o.vocabSize(), o.conversations(), o.corpusChars(),
                            o.modelMaxLength(), o.identity(), o.identitySource(), o.demoIdentity());
                    case "--seed" -> new Options(o.out(), Long.parseLong(value), o.vocabSize(), o.conversations(),
                            o.corpusChars(), o.modelMaxLength(), o.identity(), o.identitySource(), o.demoIdentity());
                    case "--vocab-size" -> new Options(o.out(), o.seed(), Integer.parseInt(value), o.conversations(),
                            o.corpusChars(), o.modelMaxLength(), o.identity(), o.identitySource(), o.demoIdentity());
                    case "--conversations" -> new Options(o.out(), o.seed(), o.vocabSize(), Integer.parseInt(value),
                            o.corpusChars(), o.modelMaxLength(), o.identity(), o.identitySource(), o.demoIdentity());
                    case "--corpus-chars" -> new Options(o.out(), o.seed(), o.vocabSize(), o.conversations(),
                            Integer.parseInt(value), o.modelMaxLength(), o.identity(), o.identitySource(), o.demoIdentity());
                    case "--identity-source" -> new Options(o.out(), o.seed(), o.vocabSize(), o.conversations(),
                            o.corpusChars(), o.modelMaxLength(), o.identity(), Path.of(value), o.demoIdentity());
                    case "--name" -> {
                        name = value;
                        yield o;
                    }
                    case "--author" -> {
                        author = value;
                        yield o;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + key);
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " needs a whole number, got '" + value + "'");
            }
        }
        return new Options(o.out(), o.seed(), o.vocabSize(), o.conversations(), o.corpusChars(), o.modelMaxLength(),
                new AssistantIdentity(name, author), o.identitySource(), o.demoIdentity());
    }

    /** Steps 1 and 2: the corpus, the conversations (plain and pirate), the shipped prompts and the tokenizer. */
    public Outputs makeData() {
        Path out = options.out();
        Path data = out.resolve("data");
        List<String> documents = new CorpusGenerator(options.identity()).generate(options.seed(), options.corpusChars());
        Path corpus = data.resolve("pretrain.txt");
        writeText(corpus, CorpusGenerator.text(documents));
        report("pre-training corpus", corpus, documents.size() + " documents");

        GeneratedChats plain = new ConversationGenerator(new PlainAnswers(options.identity()))
                .generate(options.seed(), options.conversations());
        GeneratedChats pirate = new ConversationGenerator(new PirateAnswers(options.identity()))
                .generate(options.seed(), options.conversations());
        Path sft = data.resolve("sft-foundry.jsonl");
        Path shipped = data.resolve("shipped-prompts.jsonl");
        Path pirateSft = data.resolve("sft-pirate.jsonl");
        Path pirateShipped = data.resolve("shipped-prompts-pirate.jsonl");
        ChatRecordWriter.write(sft, plain.training().stream().map(ChatRecordWriter::record).toList());
        ChatRecordWriter.write(shipped, plain.shipped().stream().map(ChatRecordWriter::record).toList());
        ChatRecordWriter.write(pirateSft, pirate.training().stream().map(ChatRecordWriter::record).toList());
        ChatRecordWriter.write(pirateShipped, pirate.shipped().stream().map(ChatRecordWriter::record).toList());
        report("SFT conversations", sft, plain.training().size() + " conversations");
        report("shipped prompts", shipped, plain.shipped().size() + " prompts with expected answers");
        report("pirate SFT conversations", pirateSft, pirate.training().size() + " conversations");
        report("pirate shipped prompts", pirateShipped, pirate.shipped().size() + " prompts");

        long start = System.nanoTime();
        BpeTokenizerTrainer trainer = new BpeTokenizerTrainer();
        trainer.addAll(documents);
        ConversationRenderer renderer = new ConversationRenderer();
        // jinjava renders a conversation in 1-5 ms (all 12000 would take most of a minute); they are templated, so
        // every TOKENIZER_SAMPLE_STEP-th one shows the same words, JSON and markup in about the same proportions.
        for (List<Conversation> set : List.of(plain.training(), pirate.training())) {
            for (int i = 0; i < set.size(); i += TOKENIZER_SAMPLE_STEP) {
                trainer.add(renderer.render(set.get(i)));
            }
        }
        double renderSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        BpeModel model = trainer.train(options.vocabSize());
        Path tokenizerDir = out.resolve("tokenizer");
        int vocabSize = TokenizerFilesWriter.write(model, tokenizerDir, options.modelMaxLength());
        report("tokenizer", tokenizerDir, vocabSize + " tokens (" + model.merges().size() + " merges), text rendered and counted in "
                + String.format("%.1f s, merges learned in %.1f s", renderSeconds, (System.nanoTime() - start) / 1e9));

        // The README demo's identity data set: the default model's own identity questions, answered with the demo name.
        AssistantIdentity demo = options.demoIdentity();
        String demoName = demo.name().toLowerCase(java.util.Locale.ROOT);
        Path identityDemo = data.resolve("identity-" + demoName + ".jsonl");
        List<Conversation> identityConversations = new ConversationGenerator(new PlainAnswers(demo)).identityConversations();
        ChatRecordWriter.write(identityDemo, identityConversations.stream().map(ChatRecordWriter::record).toList());
        report("identity data set", identityDemo, identityConversations.size() + " conversations as " + demo.name()
                + " by " + demo.author());
        if (options.identitySource() != null) {
            Path converted = data.resolve("identity-" + demoName + "-llamafactory.jsonl");
            List<ObjectNode> records = IdentityDatasetConverter.convert(options.identitySource(), demo);
            ChatRecordWriter.write(converted, records);
            report("LLaMA-Factory identity", converted, records.size() + " conversations as " + demo.name() + " by "
                    + demo.author());
        }
        return new Outputs(corpus, sft, shipped, pirateSft, pirateShipped, tokenizerDir, identityDemo, vocabSize);
    }

    /**
     * Full-parameter pre-training of a small Llama from random weights on {@code outputs.corpus()} with the trained
     * tokenizer, seeded with {@code options.seed()}; the base model's folder, or empty when only data is made.
     */
    Optional<Path> pretrain(Outputs outputs) {
        return training == null ? Optional.empty() : Optional.of(training.pretrain(outputs));
    }

    /**
     * Full SFT of the pre-trained model on {@code outputs.sft()}: the default model (≤ 20 MB) for models/, its token
     * accuracy on {@code outputs.shipped()} printed at the end.
     */
    Optional<Path> supervisedFineTune(Path baseModel, Outputs outputs) {
        return training == null ? Optional.empty() : Optional.of(training.supervisedFineTune(baseModel, outputs));
    }

    /**
     * LoRA SFT of the default model on {@code outputs.pirateSft()}: the example adapter for adapters/, its token
     * accuracy on {@code outputs.pirateShipped()} printed at the end.
     */
    Optional<Path> trainPirateAdapter(Path chatModel, Outputs outputs) {
        return training == null ? Optional.empty() : Optional.of(training.trainPirateAdapter(chatModel, outputs));
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void report(String what, Path where, String detail) {
        long bytes = 0;
        try {
            if (Files.isDirectory(where)) {
                List<Path> files = new ArrayList<>();
                try (var stream = Files.list(where)) {
                    stream.forEach(files::add);
                }
                for (Path f : files) {
                    bytes += Files.size(f);
                }
            } else {
                bytes = Files.size(where);
            }
        } catch (IOException e) {
            bytes = -1;
        }
        System.out.printf("%-26s %-48s %9.1f KB  %s%n", what, where, bytes / 1024.0, detail);
    }
}
