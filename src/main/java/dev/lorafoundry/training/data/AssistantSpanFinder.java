package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.ChatTemplateException;
import dev.lorafoundry.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the assistant turns in what an arbitrary Hugging Face chat template renders, by rendering prefixes: a turn
 * starts where the conversation up to it, rendered with the generation prompt, ends (what the model is given at
 * inference), and ends with the template's end-of-turn text, learned once by rendering a probe answer.
 */
final class AssistantSpanFinder {

    private static final String PROBE_ANSWER = "lorafoundry probe answer 7f3a";

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final Map<String, Object> kwargs;
    /** What the template writes after an assistant's text, trailing whitespace removed; "" when nothing. */
    private final String endOfTurn;

    AssistantSpanFinder(ChatTemplate template, Tokenizer tokenizer, Map<String, Object> kwargs) {
        this.template = template;
        this.tokenizer = tokenizer;
        this.kwargs = kwargs == null ? Map.of() : kwargs;
        this.endOfTurn = probeEndOfTurn();
    }

    String endOfTurn() {
        return endOfTurn;
    }

    RenderedConversation find(List<Map<String, Object>> messages, List<Map<String, Object>> tools) {
        String full = template.render(messages, tools, false, kwargs);
        List<AssistantSpan> spans = new ArrayList<>();
        int searchFrom = 0;
        for (int k = 0; k < messages.size(); k++) {
            if (!"assistant".equals(messages.get(k).get("role"))) {
                continue;
            }
            List<Map<String, Object>> before = messages.subList(0, k);
            int start = turnStart(full, before, tools, k);
            if (start < searchFrom) {
                throw new EncodingException("assistant message " + k + " starts inside the previous assistant turn in "
                        + "the rendered conversation; the chat template reorders or merges turns, which cannot be aligned");
            }
            AssistantSpan span;
            if (!endOfTurn.isEmpty()) {
                int at = full.indexOf(endOfTurn, start);
                if (at < 0) {
                    throw new EncodingException("the chat template wrote no '" + endOfTurn + "' after assistant message "
                            + k + ", although it ends other assistant turns with it");
                }
                span = new AssistantSpan(k, start, at + endOfTurn.length(), false);
            } else {
                String upToTurn = template.render(messages.subList(0, k + 1), tools, false, kwargs);
                if (!full.startsWith(upToTurn) || upToTurn.length() < start) {
                    throw notAligned(k);
                }
                span = new AssistantSpan(k, start, start + upToTurn.substring(start).stripTrailing().length(), true);
            }
            spans.add(span);
            searchFrom = span.end();
        }
        return new RenderedConversation(full, spans);
    }

    /**
     * Where the assistant's text begins: after the generation prompt. Some templates render a turn differently in
     * the history than after the generation prompt (Qwen3 with enable_thinking=false puts an empty think block in the
     * prompt only); then the turn starts after the longest run of whole generation-prompt tokens the history shows
     * ("<|im_start|>assistant\n", not "<|im_start|>assistant\n<t" because "<think>" and "<tool_call>" share "<t").
     */
    private int turnStart(String full, List<Map<String, Object>> before, List<Map<String, Object>> tools, int k) {
        String prompt = template.render(before, tools, true, kwargs);
        if (full.startsWith(prompt)) {
            return prompt.length();
        }
        String history = template.render(before, tools, false, kwargs);
        if (!full.startsWith(history) || !prompt.startsWith(history)) {
            throw notAligned(k);
        }
        int[] generationPrompt = tokenizer.encode(prompt.substring(history.length()), false);
        int matched = 0;
        for (int n = 1; n <= generationPrompt.length; n++) {
            String part = tokenizer.decode(Arrays.copyOf(generationPrompt, n), false);
            if (!full.startsWith(part, history.length())) {
                break;
            }
            matched = part.length();
        }
        return history.length() + matched;
    }

    private static EncodingException notAligned(int k) {
        return new EncodingException("the chat template renders the messages before assistant message " + k
                + " differently when later messages follow (e.g. it drops earlier reasoning), so that turn cannot be "
                + "located; remove reasoning from earlier turns or train on the last turn only (mask_history)");
    }

    private String probeEndOfTurn() {
        List<List<Map<String, Object>>> probes = List.of(
                List.of(message("user", "Hello"), message("assistant", PROBE_ANSWER)),
                List.of(message("system", "You are a helpful assistant."), message("user", "Hello"),
                        message("assistant", PROBE_ANSWER)));
        ChatTemplateException last = null;
        for (List<Map<String, Object>> probe : probes) {
            try {
                String rendered = template.render(probe, null, false, kwargs);
                int at = rendered.lastIndexOf(PROBE_ANSWER);
                if (at < 0) {
                    throw new EncodingException("the chat template does not render an assistant message's content; "
                            + "it cannot be used for supervised training");
                }
                return rendered.substring(at + PROBE_ANSWER.length()).stripTrailing();
            } catch (ChatTemplateException e) {
                last = e;
            }
        }
        throw new EncodingException("the chat template cannot render a plain user/assistant exchange (" + last.getMessage()
                + "), so it cannot be used for supervised training", last);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }
}
