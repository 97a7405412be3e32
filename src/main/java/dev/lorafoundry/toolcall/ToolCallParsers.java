package dev.lorafoundry.toolcall;

import java.util.List;

/** Chooses the tool-call format for a model. */
public final class ToolCallParsers {

    /** The configuration names, in the order they are listed to users. */
    public static final List<String> NAMES = List.of("hermes", "llama3_json", "mistral");

    private ToolCallParsers() {}

    /** The parser named {@code hermes}, {@code llama3_json} or {@code mistral}; unknown names fail listing these. */
    public static ToolCallParser named(String name) {
        if (name != null) {
            switch (name) {
                case "hermes" -> { return new HermesToolCallParser(); }
                case "llama3_json" -> { return new Llama3JsonToolCallParser(); }
                case "mistral" -> { return new MistralToolCallParser(); }
                default -> { }
            }
        }
        throw new IllegalArgumentException("unknown tool-call parser '" + name + "': use one of " + NAMES);
    }

    /**
     * The parser fitting a model, judged from its chat template (markers it renders) and architecture. The template
     * decides: {@code <tool_call>} → hermes, {@code [TOOL_CALLS]} → mistral, {@code <|python_tag|>} or
     * {@code ipython} → llama3_json; otherwise hermes, the most common format (the architecture alone does not tell,
     * e.g. Qwen and Hermes fine-tunes of Llama share it).
     */
    public static ToolCallParser forModel(String architecture, String chatTemplateSource) {
        String template = chatTemplateSource == null ? "" : chatTemplateSource;
        if (template.contains(CallFraming.HERMES.marker)) {
            return new HermesToolCallParser();
        }
        if (template.contains(CallFraming.MISTRAL.marker)) {
            return new MistralToolCallParser();
        }
        if (template.contains(CallFraming.LLAMA3_JSON.marker) || template.contains("ipython")) {
            return new Llama3JsonToolCallParser();
        }
        return new HermesToolCallParser();
    }
}
