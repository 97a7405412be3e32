package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which record fields hold what, with LLaMA-Factory's dataset_info.json semantics and defaults: "columns" maps
 * prompt/query/response/history (alpaca) or messages (sharegpt, openai) plus system/tools; "tags" names sharegpt roles.
 * A null column is not read. {@code text} (our addition) names the pre-training text column.
 */
public record DatasetColumns(
        DatasetFormat formatting,
        String prompt, String query, String response, String history,
        String messages, String system, String tools, String text,
        String roleTag, String contentTag, String userTag, String assistantTag,
        String observationTag, String functionTag, String systemTag) {

    /** LLaMA-Factory's defaults for a format (DatasetAttr), and OpenAI's field names for openai. */
    public static DatasetColumns defaults(DatasetFormat formatting) {
        return switch (formatting) {
            case OPENAI -> new DatasetColumns(formatting, null, null, null, null, "messages", null, "tools", null,
                    "role", "content", "user", "assistant", "tool", null, "system");
            case TEXT -> new DatasetColumns(formatting, null, null, null, null, null, null, null, "text",
                    null, null, null, null, null, null, null);
            default -> new DatasetColumns(formatting, "instruction", "input", "output", null,
                    "conversations", null, null, null,
                    "from", "value", "human", "gpt", "observation", "function_call", "system");
        };
    }

    /**
     * The field names a format documents, for a file read without a dataset_info.json: alpaca's instruction, input,
     * output, system, history; sharegpt's conversations, system, tools; OpenAI's messages and tools.
     */
    public static DatasetColumns standard(DatasetFormat formatting) {
        DatasetColumns d = defaults(formatting);
        return switch (formatting) {
            case ALPACA -> new DatasetColumns(formatting, d.prompt, d.query, d.response, "history", d.messages, "system",
                    "tools", d.text, d.roleTag, d.contentTag, d.userTag, d.assistantTag, d.observationTag, d.functionTag, d.systemTag);
            case SHAREGPT -> new DatasetColumns(formatting, d.prompt, d.query, d.response, d.history, d.messages, "system",
                    "tools", d.text, d.roleTag, d.contentTag, d.userTag, d.assistantTag, d.observationTag, d.functionTag, d.systemTag);
            default -> d;
        };
    }

    /**
     * The columns of one dataset_info.json entry. As in LLaMA-Factory's parser, a "columns" object replaces the
     * defaults of every column it could name (an unnamed one becomes unmapped), and likewise "tags" for the tags.
     */
    public static DatasetColumns fromDatasetInfo(JsonNode entry) {
        DatasetFormat formatting = DatasetFormat.parse(entry.path("formatting").asText("alpaca"));
        DatasetColumns d = defaults(formatting);
        JsonNode columns = entry.get("columns");
        String prompt = d.prompt, query = d.query, response = d.response, history = d.history;
        String messages = d.messages, system = d.system, tools = d.tools, text = d.text;
        if (columns != null && columns.isObject()) {
            system = name(columns, "system");
            tools = name(columns, "tools");
            text = name(columns, "text");
            if (formatting == DatasetFormat.ALPACA || formatting == DatasetFormat.TEXT) {
                prompt = name(columns, "prompt");
                query = name(columns, "query");
                response = name(columns, "response");
                history = name(columns, "history");
            } else {
                messages = name(columns, "messages");
            }
        }
        String roleTag = d.roleTag, contentTag = d.contentTag, userTag = d.userTag, assistantTag = d.assistantTag;
        String observationTag = d.observationTag, functionTag = d.functionTag, systemTag = d.systemTag;
        JsonNode tags = entry.get("tags");
        if (tags != null && tags.isObject() && formatting != DatasetFormat.ALPACA) {
            roleTag = name(tags, "role_tag");
            contentTag = name(tags, "content_tag");
            userTag = name(tags, "user_tag");
            assistantTag = name(tags, "assistant_tag");
            observationTag = name(tags, "observation_tag");
            functionTag = name(tags, "function_tag");
            systemTag = name(tags, "system_tag");
        }
        return new DatasetColumns(formatting, prompt, query, response, history, messages, system, tools, text,
                roleTag, contentTag, userTag, assistantTag, observationTag, functionTag, systemTag);
    }

    private static String name(JsonNode object, String key) {
        JsonNode value = object.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The same columns read as another format (an alpaca entry used for pre-training keeps its prompt/query). */
    public DatasetColumns as(DatasetFormat other) {
        return new DatasetColumns(other, prompt, query, response, history, messages, system, tools, text,
                roleTag, contentTag, userTag, assistantTag, observationTag, functionTag, systemTag);
    }
}
