package dev.lorafoundry.defaultmodel;

import ai.djl.ndarray.NDManager;
import dev.lorafoundry.adapter.AdapterConfig;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.training.FullParameters;
import dev.lorafoundry.training.FullTrainer;
import dev.lorafoundry.training.HfModelFolderWriter;
import dev.lorafoundry.training.LoraTrainer;
import dev.lorafoundry.training.TrainingListener;
import dev.lorafoundry.training.TrainingMetrics;
import dev.lorafoundry.training.TrainingResult;
import dev.lorafoundry.training.TrainingSpec;
import dev.lorafoundry.training.TrainingTurns;
import dev.lorafoundry.training.data.DatasetColumns;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The default model's three training runs: full-parameter pre-training from random weights on the generated corpus
 * (packed blocks), full-parameter SFT on the generated conversations, and the pirate LoRA adapter over the result. Full
 * training runs on this thread and its own NDManager ({@link FullTrainer}), not on a serving engine. Every run is seeded
 * from the pipeline's seed; libtorch's multithreaded kernels may sum in another order from run to run, so a rerun
 * matches in its answers rather than bit for bit.
 */
final class FoundryTraining {

    /** The default model's folder name, which is also its served id. */
    static final String MODEL_NAME = "foundry-tiny";
    static final String ADAPTER_NAME = "pirate";

    private final TrainingPlan plan;
    private final long seed;
    private final Path out;

    FoundryTraining(TrainingPlan plan, long seed, Path out) {
        this.plan = plan;
        this.seed = seed;
        this.out = out;
    }

    /** Pre-trains a fresh model on the corpus; returns its folder (out/base). */
    Path pretrain(FoundryPipeline.Outputs outputs) {
        if (plan.base() != null || plan.chat() != null) {
            System.out.println("pre-training skipped: starting from " + (plan.chat() != null ? plan.chat() : plan.base()));
            return plan.base() != null ? plan.base() : plan.chat();
        }
        Path dir = out.resolve("base");
        try (Tokenizer tokenizer = Tokenizer.load(outputs.tokenizerDir())) {
            int eos = tokenizer.eosTokenId().orElseThrow();
            ModelConfig config = new ModelConfig(plan.qkNorm() ? "Qwen3ForCausalLM" : "LlamaForCausalLM",
                    plan.qkNorm() ? "qwen3" : "llama", plan.hidden(), plan.intermediate(), plan.layers(), plan.heads(),
                    plan.kvHeads(), plan.hidden() / plan.heads(), outputs.vocabSize(), 1e-6, 10000.0, null, 1024, true,
                    false, plan.qkNorm(), List.of(eos), null);
            FullParameters parameters = FullParameters.initialise(config, 0.02, seed);
            System.out.printf("pre-training a %d-layer, hidden-%d %s (%.2f M parameters) for %d steps of %d x %d"
                    + " tokens%n", plan.layers(), plan.hidden(), config.architecture(), parameters.parameterCount() / 1e6,
                    plan.pretrainSteps(), plan.pretrainBatch(), plan.pretrainBlock());
            TrainingSpec spec = spec("pt", entry("pretrain", outputs.corpus(), DatasetFormat.TEXT), null,
                    plan.pretrainLr(), plan.pretrainBatch(), 0, plan.pretrainSteps(), plan.pretrainBlock(), 0, 0,
                    dir);
            new FullTrainer(spec, new Progress("pretrain"), plan.threads()).train(parameters, tokenizer,
                    ChatTemplate.forTokenizer(tokenizer, "chatml"));
            HfModelFolderWriter.write(dir, parameters, "F32", padId(tokenizer), outputs.tokenizerDir());
        }
        return dir;
    }

    /** Fine-tunes every weight of the base on the conversations; returns the default model's folder. */
    Path supervisedFineTune(Path base, FoundryPipeline.Outputs outputs) {
        if (plan.chat() != null) {
            System.out.println("SFT skipped: training the adapter on " + plan.chat());
            return plan.chat();
        }
        Path dir = out.resolve(MODEL_NAME);
        try (Tokenizer tokenizer = Tokenizer.load(base)) {
            FullParameters parameters = FullParameters.read(base, ModelConfig.read(base));
            TrainingSpec spec = spec("sft", entry("sft-foundry", outputs.sft(), DatasetFormat.OPENAI),
                    entry("shipped-prompts", outputs.shipped(), DatasetFormat.OPENAI), plan.sftLr(), plan.sftBatch(),
                    plan.sftEpochs(), 0, plan.sftCutoff(), 0, 0, dir);
            System.out.printf("full SFT for %.1f epochs (packed rows of %d tokens, %d a step)%n", plan.sftEpochs(),
                    plan.sftCutoff(), plan.sftBatch());
            new FullTrainer(spec, new Progress("sft"), plan.threads()).train(parameters, tokenizer,
                    ChatTemplate.forTokenizer(tokenizer, "chatml"));
            HfModelFolderWriter.write(dir, parameters, plan.dtype(), padId(tokenizer), base);
        }
        return dir;
    }

    /** Trains the pirate LoRA adapter over the default model; returns the adapter's folder (PEFT files only). */
    Path trainPirateAdapter(Path chatModel, FoundryPipeline.Outputs outputs) {
        Path run = out.resolve("pirate-run");
        Path dir = out.resolve(ADAPTER_NAME);
        ModelConfig config = ModelConfig.read(chatModel);
        try (Tokenizer tokenizer = Tokenizer.load(chatModel);
             NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.load(chatModel, config, manager)) {
            TrainingSpec spec = spec("sft", entry("sft-pirate", outputs.pirateSft(), DatasetFormat.OPENAI),
                    entry("shipped-prompts-pirate", outputs.pirateShipped(), DatasetFormat.OPENAI), plan.pirateLr(),
                    plan.sftBatch(), plan.pirateEpochs(), 0, plan.sftCutoff(), plan.pirateRank(),
                    2.0 * plan.pirateRank(), run);
            System.out.printf("pirate LoRA adapter (rank %d, all linear layers) for %.1f epochs%n", plan.pirateRank(),
                    plan.pirateEpochs());
            TrainingResult result = LoraTrainer.start(spec, new Progress("pirate"), new LoraTrainer.Resources(model,
                    tokenizer, ChatTemplate.forTokenizer(tokenizer, "chatml"), TrainingTurns.exclusive(),
                    plan.threads(), MODEL_NAME)).completion().get();
            Files.createDirectories(dir);
            for (String file : List.of(AdapterConfig.FILE_NAME, PeftAdapterReader.WEIGHTS_FILE)) {
                Files.copy(result.adapterDir().resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training the pirate adapter", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the pirate adapter's training failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the pirate adapter into " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private TrainingSpec spec(String stage, DatasetEntry train, DatasetEntry validation, double learningRate,
                              int batch, double epochs, int maxSteps, int cutoff, int loraRank, double loraAlpha,
                              Path outputDir) {
        return new TrainingSpec(stage, train, validation, 0, loraRank, loraAlpha, 0, List.of("all"), false,
                learningRate, "cosine", 0.05, 0, 0.0, 1.0, batch, 1, epochs, maxSteps, cutoff, true, false, false, 0,
                validation == null ? 0 : 50, 10, seed, 0, false, outputDir, null, null);
    }

    private static DatasetEntry entry(String name, Path file, DatasetFormat format) {
        return new DatasetEntry(name, file, DatasetColumns.standard(format), false);
    }

    private static int padId(Tokenizer tokenizer) {
        int eos = tokenizer.eosTokenId().orElseThrow();
        return tokenizer.padToken() == null ? eos : tokenizer.tokenId(tokenizer.padToken()).orElse(eos);
    }

    /** Prints the loss curve as the runs go. */
    private record Progress(String run) implements TrainingListener {

        @Override
        public void onStart(int examples, int totalSteps, int skippedRecords) {
            System.out.printf("%s: %d examples, %d steps, %d records skipped%n", run, examples, totalSteps,
                    skippedRecords);
        }

        @Override
        public void onMetrics(TrainingMetrics m) {
            System.out.printf("%s step %5d/%d  epoch %.2f  loss %.4f  acc %.3f  lr %.2e  grad %.2f  %.0f tok/s  "
                            + "elapsed %.0f s  eta %.0f s%n", run, m.step(), m.totalSteps(), m.epoch(), m.trainLoss(),
                    m.meanTokenAccuracy(), m.learningRate(), m.gradNorm(), m.tokensPerSecond(), m.elapsedSeconds(),
                    m.etaSeconds());
        }

        @Override
        public void onEvaluation(int step, double validLoss, double accuracy) {
            System.out.printf("%s step %d: shipped prompts loss %.4f, token accuracy %.4f (1.0 = every trained token"
                    + " of every shipped answer is the greedy pick)%n", run, step, validLoss, accuracy);
        }

        @Override
        public void onMessage(String message) {
            System.out.println(run + ": " + message);
        }
    }
}
