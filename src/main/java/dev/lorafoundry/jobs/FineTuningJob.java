package dev.lorafoundry.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuning job as OpenAI's API describes it ({@code "object": "fine_tuning.job"}), plus {@code lorafoundry}: the
 * training settings the job actually uses, under LLaMA-Factory's names.
 *
 * @param id               {@code ftjob-…}
 * @param createdAt        epoch seconds
 * @param finishedAt       epoch seconds, null until the job ends
 * @param model            the base model id, or the adapter training continues from
 * @param fineTunedModel   {@code ft:<base>:<suffix>:<id>}, null until the job succeeded
 * @param trainedTokens    tokens trained on, null until known
 * @param estimatedFinish  epoch seconds, while running
 * @param error            why the job failed, null otherwise
 */
public record FineTuningJob(
        String id,
        String object,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("finished_at") Long finishedAt,
        String model,
        @JsonProperty("fine_tuned_model") String fineTunedModel,
        @JsonProperty("organization_id") String organizationId,
        @JsonProperty("result_files") List<String> resultFiles,
        JobStatus status,
        @JsonProperty("training_file") String trainingFile,
        @JsonProperty("validation_file") String validationFile,
        Hyperparameters hyperparameters,
        Method method,
        @JsonProperty("trained_tokens") Long trainedTokens,
        @JsonProperty("estimated_finish") Long estimatedFinish,
        JobError error,
        @JsonProperty("user_provided_suffix") String userProvidedSuffix,
        long seed,
        List<Object> integrations,
        Map<String, String> metadata,
        JobSettings lorafoundry) {

    /** The organisation every job belongs to: this server has no accounts. */
    public static final String ORGANIZATION = "org-lorafoundry";

    /** OpenAI's three knobs, resolved to the values the job uses. */
    public record Hyperparameters(
            @JsonProperty("n_epochs") double nEpochs,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("learning_rate_multiplier") double learningRateMultiplier) {}

    /** {@code {"type": "supervised", "supervised": {"hyperparameters": …}}}: the only method this server runs. */
    public record Method(String type, Supervised supervised) {

        public record Supervised(Hyperparameters hyperparameters) {}

        public static Method supervised(Hyperparameters hyperparameters) {
            return new Method("supervised", new Supervised(hyperparameters));
        }
    }

    /** Why a job failed: a code, a message saying what to do, and the request field at fault when there is one. */
    public record JobError(String code, String message, String param) {}
}
