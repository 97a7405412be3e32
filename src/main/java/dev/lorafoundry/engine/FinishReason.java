package dev.lorafoundry.engine;

/** Why a sequence ended. */
public enum FinishReason {
    STOP("stop"),
    LENGTH("length"),
    CANCELLED("abort");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    /** The value OpenAI puts in {@code finish_reason}. */
    public String openAiName() {
        return openAiName;
    }
}
