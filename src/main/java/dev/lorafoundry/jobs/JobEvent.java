package dev.lorafoundry.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One entry of a job's event log, OpenAI's {@code fine_tuning.job.event}: {@code type} "message" (with text) or
 * "metrics" (with {@code data}: step, train_loss, valid_loss, learning_rate, tokens_per_second, mean_token_accuracy,
 * total_steps).
 */
public record JobEvent(
        String id,
        String object,
        @JsonProperty("created_at") long createdAt,
        String level,
        String message,
        String type,
        Map<String, Object> data) {

    public static final String OBJECT = "fine_tuning.job.event";
}
