package dev.lorafoundry.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lorafoundry.training.TrainingSpec;
import dev.lorafoundry.training.data.DatasetEntry;
import java.nio.file.Path;
import java.util.List;

/**
 * The training settings a job runs with, resolved once when it is created (defaults filled in, "auto" decided) and
 * stored with the job, so a job resumed after a restart trains exactly as it started. Serialised under
 * LLaMA-Factory's key names; shown to users as the job's {@code lorafoundry} object.
 *
 * @param adapterNameOrPath the adapter training continues from, or null for a new adapter
 * @param formatting        the dataset format (openai, alpaca, sharegpt, text), or null to detect it from the file
 * @param columns           dataset_info.json "columns", or null for the format's standard names
 * @param tags              dataset_info.json "tags" (sharegpt roles), or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobSettings(
        String stage,
        String finetuningType,
        String adapterNameOrPath,
        int loraRank,
        double loraAlpha,
        double loraDropout,
        List<String> loraTarget,
        boolean useRslora,
        double learningRate,
        String lrSchedulerType,
        double warmupRatio,
        int warmupSteps,
        double weightDecay,
        double maxGradNorm,
        int perDeviceTrainBatchSize,
        int gradientAccumulationSteps,
        double numTrainEpochs,
        int maxSteps,
        int cutoffLen,
        boolean packing,
        boolean trainOnPrompt,
        boolean maskHistory,
        int saveSteps,
        int evalSteps,
        int loggingSteps,
        double valSize,
        double neftuneNoiseAlpha,
        boolean gradientCheckpointing,
        String formatting,
        JsonNode columns,
        JsonNode tags) {

    /** The trainer's input for this job's data and folders. */
    public TrainingSpec toSpec(DatasetEntry train, DatasetEntry validation, long seed, Path outputDir, Path resumeFrom,
                               Path initAdapter) {
        return new TrainingSpec(stage, train, validation, valSize, loraRank, loraAlpha, loraDropout, loraTarget,
                useRslora, learningRate, lrSchedulerType, warmupRatio, warmupSteps, weightDecay, maxGradNorm,
                perDeviceTrainBatchSize, gradientAccumulationSteps, numTrainEpochs, maxSteps, cutoffLen, packing,
                trainOnPrompt, maskHistory, saveSteps, evalSteps, loggingSteps, seed, neftuneNoiseAlpha,
                gradientCheckpointing, outputDir, resumeFrom, initAdapter);
    }
}
