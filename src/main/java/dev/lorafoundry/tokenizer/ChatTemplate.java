package dev.lorafoundry.tokenizer;

import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Hugging Face chat template (Jinja) rendered with jinjava, made compatible with real HF templates. */
public final class ChatTemplate {

    private final String source;
    private final String jinjavaSource;
    private final String bosToken;
    private final String eosToken;

    private ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.jinjavaSource = HfJinjaEnvironment.rewriteForJinjava(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    /** The model's own template, or the named built-in (chatml, llama3, mistral) when it has none. */
    public static ChatTemplate forTokenizer(Tokenizer tokenizer, String builtinFallback) {
        String own = tokenizer.chatTemplateSource();
        if (own != null && !own.isBlank()) {
            return new ChatTemplate(own, tokenizer.bosToken(), tokenizer.eosToken());
        }
        if (builtinFallback == null || builtinFallback.isBlank()) {
            throw new IllegalArgumentException("the tokenizer has no chat_template in tokenizer_config.json and no "
                    + "built-in fallback was configured; configure one of " + String.join(", ", BuiltinChatTemplates.names()));
        }
        return new ChatTemplate(BuiltinChatTemplates.source(builtinFallback), tokenizer.bosToken(), tokenizer.eosToken());
    }

    /** A template from its Jinja source, with the special tokens it may refer to (either may be null). */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("chat template source is empty");
        }
        return new ChatTemplate(source, bosToken, eosToken);
    }

    /** The Jinja source as given (before jinjava compatibility rewrites). */
    public String source() {
        return source;
    }

    /**
     * Renders messages (OpenAI shape: role, content, tool_calls, tool_call_id, name) to prompt text.
     * Maps should keep insertion order (LinkedHashMap, Jackson): tojson writes keys in that order, as Python does.
     *
     * @throws ChatTemplateException with a user-actionable message when the template rejects the input
     */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                         boolean addGenerationPrompt, Map<String, Object> extraKwargs) {
        Map<String, Object> context = new HashMap<>();
        if (bosToken != null) {
            context.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            context.put("eos_token", eosToken);
        }
        if (extraKwargs != null) {
            extraKwargs.forEach((key, value) -> context.put(key, copy(value)));
        }
        context.put("messages", copy(messages == null ? List.of() : messages));
        context.put("tools", tools == null || tools.isEmpty() ? null : copy(tools));
        context.put("documents", null);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        try {
            result = HfJinjaEnvironment.ENGINE.renderForResult(jinjavaSource, context);
        } catch (TemplateRaisedException e) {
            throw new ChatTemplateException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ChatTemplateException("the chat template could not be rendered: " + e.getMessage(), e);
        }
        for (TemplateError error : result.getErrors()) {
            TemplateRaisedException raised = raisedBy(error.getException());
            if (raised != null) {
                throw new ChatTemplateException(raised.getMessage(), raised);
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("the chat template could not be rendered: " + error.getMessage()
                        + (error.getFieldName() == null ? "" : " in '" + error.getFieldName() + "'")
                        + " (template line " + error.getLineno() + "); check the messages' fields or the model's chat_template",
                        error.getException());
            }
        }
        return result.getOutput();
    }

    private static TemplateRaisedException raisedBy(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TemplateRaisedException raised) {
                return raised;
            }
        }
        return null;
    }

    /** Deep copy into mutable, order-keeping containers: templates may not alter the caller's messages. */
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copied = new LinkedHashMap<>();
            map.forEach((key, item) -> copied.put(String.valueOf(key), copy(item)));
            return copied;
        }
        if (value instanceof List<?> list) {
            List<Object> copied = new ArrayList<>(list.size());
            list.forEach(item -> copied.add(copy(item)));
            return copied;
        }
        return value;
    }
}
