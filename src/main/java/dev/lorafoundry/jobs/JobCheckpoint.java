package dev.lorafoundry.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A checkpoint a job wrote, OpenAI's {@code fine_tuning.job.checkpoint}; {@code fine_tuned_model_checkpoint}
 * ({@code <ft model>:ckpt-step-N}) is servable like any adapter.
 */
public record JobCheckpoint(
        String id,
        String object,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("fine_tuned_model_checkpoint") String fineTunedModelCheckpoint,
        @JsonProperty("fine_tuning_job_id") String fineTuningJobId,
        Map<String, Object> metrics,
        @JsonProperty("step_number") int stepNumber) {

    public static final String OBJECT = "fine_tuning.job.checkpoint";
}
