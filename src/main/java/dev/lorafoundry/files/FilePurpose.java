package dev.lorafoundry.files;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code purpose} values POST /v1/files accepts. Fine-tuning files are checked line by line on upload; the
 * general-purpose ones are stored as they come, like OpenAI does. OpenAI's other purposes (batch, vision, evals)
 * belong to APIs this server does not have, so they are refused rather than stored for nothing.
 */
public enum FilePurpose {
    FINE_TUNE("fine-tune", true),
    USER_DATA("user_data", false),
    ASSISTANTS("assistants", false);

    private final String value;
    private final boolean validatedAsJsonl;

    FilePurpose(String value, boolean validatedAsJsonl) {
        this.value = value;
        this.validatedAsJsonl = validatedAsJsonl;
    }

    /** The wire value, e.g. {@code fine-tune}. */
    public String value() {
        return value;
    }

    public boolean validatedAsJsonl() {
        return validatedAsJsonl;
    }

    public static Optional<FilePurpose> of(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }

    /** The accepted values, quoted and comma-separated, for error messages. */
    public static String accepted() {
        return Arrays.stream(values()).map(p -> "'" + p.value + "'").collect(Collectors.joining(", "));
    }
}
