package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.training.data.Conversation;

import java.util.List;
import java.util.Map;

/**
 * Renders conversations with the {@link DefaultChatTemplate}, from the very OpenAI records the generators write, so the
 * tokenizer learns its merges from the text the model will be trained on.
 */
public final class ConversationRenderer {

    private static final TypeReference<List<Map<String, Object>>> MAPS = new TypeReference<>() {};

    private final ChatTemplate template = ChatTemplate.of(DefaultChatTemplate.source(), null, SpecialTokens.IM_END);

    /** The whole conversation as the model sees it in training. */
    public String render(Conversation conversation) {
        return render(ChatRecordWriter.record(conversation), false);
    }

    /** An OpenAI chat record (messages, optional tools) rendered, with the assistant prompt after it if asked. */
    public String render(ObjectNode record, boolean addGenerationPrompt) {
        List<Map<String, Object>> messages = ChatRecordWriter.JSON.convertValue(record.get("messages"), MAPS);
        JsonNode tools = record.get("tools");
        List<Map<String, Object>> toolMaps = tools == null ? null : ChatRecordWriter.JSON.convertValue(tools, MAPS);
        return template.render(messages, toolMaps, addGenerationPrompt, null);
    }
}
