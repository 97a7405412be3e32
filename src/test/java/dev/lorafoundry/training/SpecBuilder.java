package dev.lorafoundry.training;

import dev.lorafoundry.training.data.DatasetColumns;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A TrainingSpec with LLaMA-Factory's defaults, changed field by field in tests. */
final class SpecBuilder {

    String stage = "sft";
    DatasetEntry train;
    DatasetEntry validation;
    double valSize;
    int loraRank = 8;
    double loraAlpha = 16;
    double loraDropout;
    List<String> loraTarget = List.of("all");
    boolean useRslora;
    double learningRate = 1e-4;
    String lrSchedulerType = "cosine";
    double warmupRatio;
    int warmupSteps;
    double weightDecay;
    double maxGradNorm = 1.0;
    int batchSize = 1;
    int gradientAccumulationSteps = 1;
    double numTrainEpochs = 3;
    int maxSteps;
    int cutoffLen = 2048;
    boolean packing;
    boolean trainOnPrompt;
    boolean maskHistory;
    int saveSteps;
    int evalSteps;
    int loggingSteps = 1;
    long seed = 42;
    double neftuneNoiseAlpha;
    boolean gradientCheckpointing;
    Path outputDir;
    Path resumeFrom;
    Path initAdapter;

    SpecBuilder(DatasetEntry train, Path outputDir) {
        this.train = train;
        this.outputDir = outputDir;
    }

    TrainingSpec build() {
        return new TrainingSpec(stage, train, validation, valSize, loraRank, loraAlpha, loraDropout, loraTarget,
                useRslora, learningRate, lrSchedulerType, warmupRatio, warmupSteps, weightDecay, maxGradNorm, batchSize,
                gradientAccumulationSteps, numTrainEpochs, maxSteps, cutoffLen, packing, trainOnPrompt, maskHistory,
                saveSteps, evalSteps, loggingSteps, seed, neftuneNoiseAlpha, gradientCheckpointing, outputDir,
                resumeFrom, initAdapter);
    }

    /** An alpaca-format file as a dataset entry. */
    static DatasetEntry alpaca(String name, Path file) {
        return new DatasetEntry(name, file, DatasetColumns.standard(DatasetFormat.ALPACA), false);
    }

    /**
     * LLaMA-Factory's identity.json with {{name}} and {{author}} filled in, limited to the first {@code records}
     * records, written under target/.
     */
    static Path identity(int records, String name, String author) {
        try {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            var all = mapper.readTree(Path.of("../shared/data/llamafactory/identity.json").toFile());
            var kept = mapper.createArrayNode();
            for (int i = 0; i < Math.min(records, all.size()); i++) {
                kept.add(all.get(i));
            }
            String text = mapper.writeValueAsString(kept).replace("{{name}}", name).replace("{{author}}", author);
            Path file = Path.of("target/test-data/training/identity-" + records + ".json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
