package dev.lorafoundry.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** A fine-tuning job's life: validating_files → queued → running → succeeded | failed | cancelled (OpenAI's names). */
public enum JobStatus {
    VALIDATING_FILES,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** The wire value, e.g. {@code validating_files}. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Succeeded, failed and cancelled jobs never change again. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public static JobStatus of(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalStateException("Unknown job status '" + value + "' in Redis"));
    }
}
