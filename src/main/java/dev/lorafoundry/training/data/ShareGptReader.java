package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * LLaMA-Factory's sharegpt format: a list of {from, value} turns (tags configurable), an optional leading system turn,
 * then turns alternating (human | observation) and (gpt | function_call), ending on gpt or function_call. A
 * function_call value is the call as JSON; an observation is the tool's result.
 */
public final class ShareGptReader extends ConversationReader {

    public ShareGptReader(DatasetColumns columns) {
        super(columns);
    }

    public ShareGptReader() {
        this(DatasetColumns.standard(DatasetFormat.SHAREGPT));
    }

    @Override
    protected Conversation toConversation(JsonRecord record) {
        JsonNode node = record.value();
        String column = columns.messages();
        JsonNode messages = RecordFields.optionalArray(node, column, "a list of turns");
        if (messages == null) {
            throw new BadRecordException(column == null ? "no messages column is mapped; set columns.messages in dataset_info.json"
                    : "no turns: column '" + column + "' is missing");
        }
        int first = 0;
        String system = RecordFields.optionalString(node, columns.system());
        if (columns.systemTag() != null && !messages.isEmpty()
                && columns.systemTag().equals(messages.get(0).path(columns.roleTag()).asText(null))) {
            system = text(messages.get(0), column + "[0]");
            first = 1;
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = first; i < messages.size(); i++) {
            String where = column + "[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw new BadRecordException(where + " must be an object with '" + columns.roleTag() + "' and '"
                        + columns.contentTag() + "', got " + RecordFields.typeName(message));
            }
            JsonNode roleNode = message.get(columns.roleTag());
            if (roleNode == null || !roleNode.isTextual()) {
                throw new BadRecordException(where + "." + columns.roleTag() + " must be a string, got " + RecordFields.typeName(roleNode));
            }
            String tag = roleNode.asText();
            String content = text(message, where);
            boolean userSide = (i - first) % 2 == 0;
            if (tag.equals(columns.userTag()) || tag.equals(columns.observationTag())) {
                if (!userSide) {
                    throw misplaced(where, tag, columns.assistantTag(), columns.functionTag());
                }
                turns.add(tag.equals(columns.userTag()) ? Turn.user(content) : Turn.tool(content, null));
            } else if (tag.equals(columns.assistantTag()) || tag.equals(columns.functionTag())) {
                if (userSide) {
                    throw misplaced(where, tag, columns.userTag(), columns.observationTag());
                }
                if (tag.equals(columns.assistantTag())) {
                    turns.add(Turn.assistant(content));
                } else {
                    try {
                        turns.add(Turn.assistantCalling("", FunctionCallText.parse(content)));
                    } catch (IllegalArgumentException e) {
                        throw new BadRecordException(where + " (" + tag + ") " + e.getMessage());
                    }
                }
            } else {
                throw new BadRecordException(where + "." + columns.roleTag() + " is '" + tag + "', which is not a known tag "
                        + knownTags() + "; map other tags with \"tags\" in dataset_info.json");
            }
        }
        if (turns.isEmpty()) {
            throw new BadRecordException("column '" + column + "' has no turns besides the system prompt");
        }
        if (turns.size() % 2 != 0) {
            throw new BadRecordException("the last turn, " + column + "[" + (messages.size() - 1) + "], is a '"
                    + messages.get(messages.size() - 1).path(columns.roleTag()).asText() + "' turn; a sharegpt conversation "
                    + "must end with a '" + columns.assistantTag() + "' or '" + columns.functionTag() + "' turn");
        }
        return new Conversation(record.line(), system, tools(node), turns);
    }

    private String text(JsonNode message, String where) {
        JsonNode content = message.get(columns.contentTag());
        if (content == null || !content.isTextual()) {
            throw new BadRecordException(where + "." + columns.contentTag() + " must be a string, got "
                    + RecordFields.typeName(content));
        }
        return content.asText();
    }

    private BadRecordException misplaced(String where, String tag, String expectedA, String expectedB) {
        return new BadRecordException(where + " is a '" + tag + "' turn where a '" + expectedA + "' or '" + expectedB
                + "' turn belongs; sharegpt turns alternate (" + columns.userTag() + " | " + columns.observationTag()
                + ") and (" + columns.assistantTag() + " | " + columns.functionTag() + ")");
    }

    private Set<String> knownTags() {
        Set<String> tags = new LinkedHashSet<>();
        for (String tag : new String[] {columns.userTag(), columns.assistantTag(), columns.observationTag(),
                columns.functionTag(), columns.systemTag()}) {
            if (tag != null) {
                tags.add(tag);
            }
        }
        return tags;
    }
}
