package dev.lorafoundry.tokenizer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Renders each golden case with jinjava and compares byte for byte with what Python Jinja2 rendered
 * the HF apply_chat_template way (tools/templates/render_goldens.py).
 */
class ChatTemplateGoldenTest {

    static final Path QWEN3 = Path.of("../shared/tokenizers/qwen3");
    static final Path GOLDEN = Path.of("src/test/resources/golden/templates");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private static Tokenizer qwen3;

    @BeforeAll
    static void loadTokenizer() {
        qwen3 = Tokenizer.load(QWEN3);
    }

    @AfterAll
    static void closeTokenizer() {
        qwen3.close();
    }

    /** One golden input: what render() receives. */
    record Case(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
                boolean addGenerationPrompt, Map<String, Object> kwargs) {
        static Case read(Path file) throws IOException {
            Map<String, Object> raw = JSON.readValue(file.toFile(), new TypeReference<>() {});
            @SuppressWarnings("unchecked")
            Case c = new Case((List<Map<String, Object>>) raw.get("messages"), (List<Map<String, Object>>) raw.get("tools"),
                    (Boolean) raw.get("add_generation_prompt"), (Map<String, Object>) raw.getOrDefault("kwargs", Map.of()));
            return c;
        }

        String render(ChatTemplate template) {
            return template.render(messages, tools, addGenerationPrompt, kwargs);
        }
    }

    static Stream<String> qwen3Cases() throws IOException {
        return caseNames(GOLDEN.resolve("qwen3"));
    }

    @ParameterizedTest(name = "qwen3 {0}")
    @MethodSource("qwen3Cases")
    void qwen3TemplateMatchesPythonJinja(String name) throws IOException {
        ChatTemplate template = ChatTemplate.forTokenizer(qwen3, "chatml");
        assertRendersLikePython(template, GOLDEN.resolve("qwen3"), name);
    }

    static Stream<String> builtinCases() throws IOException {
        return BuiltinChatTemplates.names().stream().flatMap(builtin -> {
            try {
                return caseNames(GOLDEN.resolve("builtin").resolve(builtin)).map(c -> builtin + "/" + c);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Special tokens passed to the built-ins by render_goldens.py (BUILTIN_SPECIAL). */
    private static final Map<String, String[]> BUILTIN_SPECIAL = Map.of(
            "chatml", new String[] {null, "<|im_end|>"},
            "llama3", new String[] {"<|begin_of_text|>", "<|eot_id|>"},
            "mistral", new String[] {"<s>", "</s>"});

    @ParameterizedTest(name = "builtin {0}")
    @MethodSource("builtinCases")
    void builtinTemplatesMatchPythonJinja(String builtinAndCase) throws IOException {
        String builtin = builtinAndCase.substring(0, builtinAndCase.indexOf('/'));
        String name = builtinAndCase.substring(builtinAndCase.indexOf('/') + 1);
        String[] special = BUILTIN_SPECIAL.get(builtin);
        ChatTemplate template = ChatTemplate.of(BuiltinChatTemplates.source(builtin), special[0], special[1]);
        assertRendersLikePython(template, GOLDEN.resolve("builtin").resolve(builtin), name);
    }

    static Stream<String> compatCases() throws IOException {
        return caseNames(GOLDEN.resolve("compat"));
    }

    @ParameterizedTest(name = "compat {0}")
    @MethodSource("compatCases")
    void pythonIsmsMatchPythonJinja(String name) throws IOException {
        Path folder = GOLDEN.resolve("compat");
        ChatTemplate template = ChatTemplate.of(Files.readString(folder.resolve("template.jinja")), null, null);
        assertRendersLikePython(template, folder, name);
    }

    private static void assertRendersLikePython(ChatTemplate template, Path folder, String name) throws IOException {
        Case input = Case.read(folder.resolve(name + ".json"));
        Path expectedError = folder.resolve(name + ".error.txt");
        if (Files.exists(expectedError)) {
            ChatTemplateException error = assertThrows(ChatTemplateException.class, () -> input.render(template));
            assertEquals(Files.readString(expectedError), error.getMessage());
        } else {
            assertEquals(Files.readString(folder.resolve(name + ".txt")), input.render(template));
        }
    }

    private static Stream<String> caseNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - ".json".length())).sorted().toList().stream();
        }
    }
}
