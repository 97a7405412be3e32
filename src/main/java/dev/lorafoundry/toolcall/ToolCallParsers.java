package dev.lorafoundry.toolcall;

/** Chooses the tool-call format for a model. */
public final class ToolCallParsers {

    private ToolCallParsers() {}

    /** The parser named {@code hermes}, {@code llama3_json} or {@code mistral}; unknown names fail listing these. */
    public static ToolCallParser named(String name) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** The parser fitting a model, judged from its chat template (markers it renders) and architecture. */
    public static ToolCallParser forModel(String architecture, String chatTemplateSource) {
        throw new UnsupportedOperationException("contract stub");
    }
}
