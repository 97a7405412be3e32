package dev.lorafoundry.tokenizer;

import java.util.List;
import java.util.Map;

/** A Hugging Face chat template (Jinja) rendered with jinjava, made compatible with real HF templates. */
public final class ChatTemplate {

    /** The model's own template, or the named built-in (chatml, llama3, mistral) when it has none. */
    public static ChatTemplate forTokenizer(Tokenizer tokenizer, String builtinFallback) {
        throw new UnsupportedOperationException("contract stub");
    }

    /**
     * Renders messages (OpenAI shape: role, content, tool_calls, tool_call_id, name) to prompt text.
     *
     * @throws ChatTemplateException with a user-actionable message when the template rejects the input
     */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                         boolean addGenerationPrompt, Map<String, Object> extraKwargs) {
        throw new UnsupportedOperationException("contract stub");
    }
}
