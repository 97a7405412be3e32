package dev.lorafoundry.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the HF environment adds beyond the goldens: errors, clock, fallbacks, and that messages stay data. */
class ChatTemplateBehaviourTest {

    private static List<Map<String, Object>> user(String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "user");
        message.put("content", content);
        return new ArrayList<>(List.of(message));
    }

    @Test
    void raiseExceptionBecomesChatTemplateExceptionWithTheTemplatesMessage() {
        ChatTemplate template = ChatTemplate.of(
                "{% if messages[0].role != 'system' %}{{ raise_exception('first message must be system, got ' + messages[0].role) }}{% endif %}ok",
                null, null);
        ChatTemplateException error = assertThrows(ChatTemplateException.class,
                () -> template.render(user("hi"), null, true, Map.of()));
        assertEquals("first message must be system, got user", error.getMessage());
    }

    @Test
    void strftimeNowUsesPythonFormatCodes() {
        ChatTemplate template = ChatTemplate.of("{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%d %B %Y') }}", null, null);
        LocalDate before = LocalDate.now();
        String rendered = template.render(user("x"), null, false, Map.of());
        LocalDate after = LocalDate.now();
        List<String> expected = new ArrayList<>();
        for (LocalDate day : List.of(before, after)) {
            expected.add(day + "|" + day.format(DateTimeFormatter.ofPattern("dd MMMM yyyy", Locale.ENGLISH)));
        }
        assertTrue(expected.contains(rendered), rendered + " not in " + expected);
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplateCode() {
        try (Tokenizer qwen3 = Tokenizer.load(Path.of("../shared/tokenizers/qwen3"))) {
            ChatTemplate template = ChatTemplate.forTokenizer(qwen3, "chatml");
            String evil = "{{ raise_exception('injected') }} {% for x in [1,2] %}{{ x }}{% endfor %} {# c #}";
            String rendered = template.render(user(evil), null, false, Map.of());
            assertEquals("<|im_start|>user\n" + evil + "<|im_end|>\n", rendered);
        }
    }

    @Test
    void templateDoesNotAlterTheCallersMessages() {
        List<Map<String, Object>> messages = user("hi");
        ChatTemplate.of("{% set m = messages[0] %}{% do messages.append(m) %}{{ messages|length }}", null, null)
                .render(messages, null, false, Map.of());
        assertEquals(1, messages.size());
    }

    @Test
    void brokenTemplateIsAClearError() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages %}{{ m.content }}", null, null);
        ChatTemplateException error = assertThrows(ChatTemplateException.class,
                () -> template.render(user("hi"), null, false, Map.of()));
        assertTrue(error.getMessage().startsWith("the chat template could not be rendered"), error.getMessage());
    }

    @Test
    void extraKwargsReachTheTemplate() {
        ChatTemplate template = ChatTemplate.of(
                "{% if enable_thinking is defined and enable_thinking is false %}off{% else %}on{% endif %}", null, null);
        assertEquals("off", template.render(user("x"), null, true, Map.of("enable_thinking", false)));
        assertEquals("on", template.render(user("x"), null, true, Map.of()));
    }

    @Test
    void builtinSourcesAreTheOnesPythonRenderedTheGoldensFrom() throws IOException {
        for (String name : BuiltinChatTemplates.names()) {
            Path file = ChatTemplateGoldenTest.GOLDEN.resolve("builtin").resolve(name).resolve("template.jinja");
            assertEquals(Files.readString(file), BuiltinChatTemplates.source(name), name);
        }
    }

    @Test
    void unknownBuiltinNameListsTheKnownOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> BuiltinChatTemplates.source("vicuna"));
        assertTrue(error.getMessage().contains("'vicuna'") && error.getMessage().contains("chatml, llama3, mistral"),
                error.getMessage());
    }

    @Test
    void tokenizerWithoutTemplateFallsBackToTheNamedBuiltin(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("../shared/tokenizers/qwen3/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            ChatTemplate template = ChatTemplate.forTokenizer(tokenizer, "chatml");
            assertEquals(BuiltinChatTemplates.source("chatml"), template.source());
            assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", template.render(user("hi"), null, true, null));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> ChatTemplate.forTokenizer(tokenizer, null));
            assertTrue(error.getMessage().contains("no chat_template"), error.getMessage());
        }
    }

    @Test
    void namedArgumentRewriteKeepsComparisonsAndStrings() {
        assertEquals("{% set ns = namespace(a=(x|length - 1), b=('=,)')) %}{% if a == b and c != d %}",
                HfJinjaEnvironment.parenthesizeNamedArguments(
                        "{% set ns = namespace(a=x|length - 1, b='=,)') %}{% if a == b and c != d %}"));
    }
}
