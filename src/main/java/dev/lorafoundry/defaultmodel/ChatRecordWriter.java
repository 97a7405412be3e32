package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.toolcall.ToolCall;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.Turn;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes conversations as OpenAI chat fine-tuning JSONL ({"messages": [...], "tools": [...]}, tool calls with ids,
 * arguments as JSON text, tool results with tool_call_id), one record per line, what {@code OpenAiChatReader} reads.
 */
public final class ChatRecordWriter {

    static final ObjectMapper JSON = new ObjectMapper();

    private ChatRecordWriter() {}

    /** One conversation as an OpenAI chat record. */
    public static ObjectNode record(Conversation conversation) {
        ObjectNode record = JSON.createObjectNode();
        ArrayNode messages = record.putArray("messages");
        if (conversation.system() != null) {
            messages.addObject().put("role", "system").put("content", conversation.system());
        }
        for (Turn turn : conversation.turns()) {
            ObjectNode message = messages.addObject();
            switch (turn.role()) {
                case USER -> message.put("role", "user").put("content", turn.content());
                case TOOL -> {
                    message.put("role", "tool");
                    if (turn.toolCallId() != null) {
                        message.put("tool_call_id", turn.toolCallId());
                    }
                    message.put("content", turn.content());
                }
                case ASSISTANT -> {
                    message.put("role", "assistant");
                    if (turn.toolCalls().isEmpty() || !turn.content().isEmpty()) {
                        message.put("content", turn.content());
                    } else {
                        message.putNull("content");
                    }
                    if (!turn.toolCalls().isEmpty()) {
                        ArrayNode calls = message.putArray("tool_calls");
                        for (ToolCall call : turn.toolCalls()) {
                            ObjectNode node = calls.addObject();
                            node.put("id", call.id());
                            node.put("type", "function");
                            node.putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
                        }
                    }
                    if (turn.weight() != 1) {
                        message.put("weight", turn.weight());
                    }
                }
                default -> throw new IllegalArgumentException("a " + turn.role() + " turn has no OpenAI chat message form");
            }
        }
        if (conversation.toolsJson() != null) {
            record.set("tools", parse(conversation.toolsJson()));
        }
        return record;
    }

    /** The records as JSONL text (one line each, "\n" after every line). */
    public static String jsonl(List<ObjectNode> records) {
        StringBuilder text = new StringBuilder();
        for (ObjectNode record : records) {
            text.append(record.toString()).append('\n');
        }
        return text.toString();
    }

    /** Writes the records as a JSONL file (parent folders created). */
    public static void write(Path file, List<ObjectNode> records) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (ObjectNode record : records) {
                    out.write(record.toString());
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A shipped prompt: its id and held_out flag, then the conversation ending with the expected answer. */
    public static ObjectNode record(ShippedPrompt prompt) {
        ObjectNode record = JSON.createObjectNode();
        record.put("id", prompt.id());
        record.put("held_out", prompt.heldOut());
        record.setAll(record(prompt.conversation()));
        return record;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tools are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
