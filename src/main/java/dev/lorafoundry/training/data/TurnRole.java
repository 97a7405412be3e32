package dev.lorafoundry.training.data;

/** Who speaks a turn of a training conversation (the system prompt is kept apart, on the conversation). */
public enum TurnRole {
    USER("user"),
    ASSISTANT("assistant"),
    /** A tool's result (OpenAI role "tool", sharegpt "observation"). */
    TOOL("tool");

    private final String templateRole;

    TurnRole(String templateRole) {
        this.templateRole = templateRole;
    }

    /** The role name chat templates expect. */
    public String templateRole() {
        return templateRole;
    }
}
