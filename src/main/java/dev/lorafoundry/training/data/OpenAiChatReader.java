package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.toolcall.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's chat fine-tuning format: {"messages": [...], "tools": [...]} with system (first only), user, assistant
 * (content and/or tool_calls, optional weight 0/1) and tool messages.
 */
public final class OpenAiChatReader extends ConversationReader {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    public OpenAiChatReader(DatasetColumns columns) {
        super(columns);
    }

    public OpenAiChatReader() {
        this(DatasetColumns.standard(DatasetFormat.OPENAI));
    }

    @Override
    protected Conversation toConversation(JsonRecord record) {
        JsonNode node = record.value();
        String column = columns.messages();
        JsonNode messages = RecordFields.optionalArray(node, column, "a list of messages");
        if (messages == null) {
            throw new BadRecordException("no messages: column '" + column + "' is missing");
        }
        String system = null;
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String where = column + "[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw new BadRecordException(where + " must be a message object, got " + RecordFields.typeName(message));
            }
            JsonNode roleNode = message.get("role");
            String role = roleNode != null && roleNode.isTextual() ? roleNode.asText() : null;
            if (role == null || !ROLES.contains(role)) {
                throw new BadRecordException(where + ".role is " + (role == null ? RecordFields.typeName(roleNode) : "'" + role + "'")
                        + "; expected one of system, user, assistant, tool");
            }
            int weight = weight(message, where, role);
            switch (role) {
                case "system", "developer" -> {
                    if (i != 0) {
                        throw new BadRecordException(where + " is a " + role + " message after the conversation started; "
                                + "only the first message may be the system prompt");
                    }
                    system = content(message, where, false);
                }
                case "user" -> turns.add(Turn.user(content(message, where, false)));
                case "tool" -> {
                    JsonNode id = message.get("tool_call_id");
                    turns.add(Turn.tool(content(message, where, false), id != null && id.isTextual() ? id.asText() : null));
                }
                default -> {
                    List<ToolCall> calls = toolCalls(message, where);
                    String content = content(message, where, !calls.isEmpty());
                    turns.add(new Turn(TurnRole.ASSISTANT, content, calls, null, weight));
                }
            }
        }
        return new Conversation(record.line(), system, tools(node), turns);
    }

    private static int weight(JsonNode message, String where, String role) {
        JsonNode weight = message.get("weight");
        if (weight == null || weight.isNull()) {
            return 1;
        }
        if (!"assistant".equals(role)) {
            throw new BadRecordException(where + ".weight is set on a " + role + " message; weight applies only to assistant messages");
        }
        if (!weight.isNumber() || (weight.asDouble() != 0 && weight.asDouble() != 1)) {
            throw new BadRecordException(where + ".weight must be 0 or 1, got " + weight);
        }
        return weight.asInt();
    }

    /** A string, text parts joined, or null/absent when an assistant only calls tools. */
    private static String content(JsonNode message, String where, boolean mayBeEmpty) {
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            if (mayBeEmpty) {
                return "";
            }
            throw new BadRecordException(where + ".content is missing");
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw new BadRecordException(where + ".content must be a string or a list of {\"type\": \"text\", \"text\": ...} parts, got "
                    + RecordFields.typeName(content));
        }
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw new BadRecordException(where + ".content[" + p + "] must be {\"type\": \"text\", \"text\": ...}; "
                        + "only text parts can be trained on");
            }
            text.append(part.get("text").asText());
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode message, String where) {
        JsonNode calls = message.get("tool_calls");
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new BadRecordException(where + ".tool_calls must be a list, got " + RecordFields.typeName(calls));
        }
        List<ToolCall> result = new ArrayList<>();
        for (int c = 0; c < calls.size(); c++) {
            JsonNode call = calls.get(c);
            JsonNode id = call.get("id");
            try {
                result.add(FunctionCallText.toolCall(id != null && id.isTextual() ? id.asText() : null, call.get("function")));
            } catch (IllegalArgumentException e) {
                throw new BadRecordException(where + ".tool_calls[" + c + "].function " + e.getMessage());
            }
        }
        return result;
    }
}
