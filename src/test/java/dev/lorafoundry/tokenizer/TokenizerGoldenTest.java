package dev.lorafoundry.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java tokenizer against ids, tokens and bytes written by HF's Python tokenizers package (render_goldens.py). */
class TokenizerGoldenTest {

    private static final Path QWEN3 = Path.of("../shared/tokenizers/qwen3");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/tokenizer/qwen3/encodings.json");

    private static Tokenizer tokenizer;
    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.load(QWEN3);
        golden = new ObjectMapper().readTree(GOLDEN.toFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static List<JsonNode> textCases() {
        List<JsonNode> cases = new ArrayList<>();
        golden.path("cases").forEach(c -> {
            if (c.has("text")) {
                cases.add(c);
            }
        });
        return cases;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    @Test
    void encodesLikeHuggingFace() {
        for (JsonNode c : textCases()) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("ids")), tokenizer.encode(text, true), "ids of " + text);
            assertArrayEquals(ints(c.get("ids_without_special")), tokenizer.encode(text, false), "ids of " + text);
        }
    }

    @Test
    void decodesLikeHuggingFace() {
        for (JsonNode c : textCases()) {
            int[] ids = ints(c.get("ids"));
            assertEquals(c.get("decoded").asText(), tokenizer.decode(ids, false));
            assertEquals(c.get("decoded_skip_special").asText(), tokenizer.decode(ids, true));
        }
    }

    @Test
    void tokenBytesAndStringsMatchTheByteLevelVocabulary() {
        for (JsonNode c : textCases()) {
            int[] ids = ints(c.get("ids"));
            for (int i = 0; i < ids.length; i++) {
                JsonNode expected = c.get("token_bytes").get(i);
                byte[] bytes = new byte[expected.size()];
                for (int b = 0; b < bytes.length; b++) {
                    bytes[b] = (byte) expected.get(b).asInt();
                }
                assertArrayEquals(bytes, tokenizer.tokenBytes(ids[i]), "bytes of token " + ids[i]);
                assertEquals(c.get("tokens").get(i).asText(), tokenizer.vocabularyToken(ids[i]));
                assertEquals(expectedTokenString(bytes), tokenizer.tokenString(ids[i]), "string of token " + ids[i]);
                assertEquals(OptionalInt.of(ids[i]), tokenizer.tokenId(c.get("tokens").get(i).asText()));
            }
        }
    }

    /** Independent of Tokenizer: valid UTF-8 shows as text, anything else as OpenAI's bytes:\xNN form. */
    private static String expectedTokenString(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.contains("\uFFFD") && java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
            return text;
        }
        StringBuilder shown = new StringBuilder("bytes:");
        for (byte b : bytes) {
            shown.append("\\x").append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return shown.toString();
    }

    @Test
    void partialUtf8TokenIsShownAsBytes() {
        int[] ids = tokenizer.encode("𠀋 🪿", false);
        boolean sawPartial = false;
        for (int id : ids) {
            sawPartial |= tokenizer.tokenString(id).startsWith("bytes:\\x");
        }
        assertTrue(sawPartial, "𠀋 and 🪿 split into byte tokens in Qwen3's vocabulary");
    }

    @Test
    void longInputsAreNotTruncatedTo512() {
        JsonNode c = golden.path("cases").get(golden.path("cases").size() - 1);
        String text = c.get("text_repeat").get(0).asText().repeat(c.get("text_repeat").get(1).asInt());
        assertEquals(c.get("token_count").asInt(), tokenizer.encode(text, true).length);
        assertTrue(c.get("token_count").asInt() > 512);
    }

    @Test
    void specialTokensAndConfig() {
        assertEquals(golden.get("vocab_size_with_added").asInt(), tokenizer.vocabSize());
        assertEquals("<|im_end|>", tokenizer.eosToken());
        assertEquals(OptionalInt.of(151645), tokenizer.eosTokenId());
        assertEquals(null, tokenizer.bosToken());
        assertEquals("<|endoftext|>", tokenizer.padToken());
        assertTrue(tokenizer.isSpecial(151644), "<|im_start|>");
        assertFalse(tokenizer.isSpecial(9707), "Hello");
        assertFalse(tokenizer.isSpecial(151657), "<tool_call> is an added token but not special in Qwen3");
        assertEquals(OptionalInt.empty(), tokenizer.tokenId("no such token"));
        assertNotNull(tokenizer.chatTemplateSource());
        assertTrue(tokenizer.chatTemplateSource().contains("<|im_start|>"));
    }

    @Test
    void missingFolderIsAClearError(@TempDir Path dir) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.load(dir.resolve("nope")));
        assertTrue(error.getMessage().contains("nope") && error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void missingTokenizerJsonIsAClearError(@TempDir Path dir) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
        assertTrue(error.getMessage().contains("tokenizer.json") && error.getMessage().contains("missing"), error.getMessage());
    }

    @Test
    void corruptTokenizerJsonIsAClearError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": ");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
        assertTrue(error.getMessage().contains("tokenizer.json") && error.getMessage().contains("not valid JSON"), error.getMessage());
    }

    @Test
    void tokenizerJsonWithoutAModelIsAClearError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
        assertTrue(error.getMessage().contains("tokenizer.json") && error.getMessage().contains("model.vocab"), error.getMessage());
    }

    @Test
    void corruptTokenizerConfigIsAClearError(@TempDir Path dir) throws IOException {
        Files.copy(QWEN3.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": ");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(dir));
        assertTrue(error.getMessage().contains("tokenizer_config.json") && error.getMessage().contains("not valid JSON"),
                error.getMessage());
    }

    @Test
    void tokenizerConfigForms(@TempDir Path dir) throws IOException {
        Files.copy(QWEN3.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"content": "<|im_start|>", "lstrip": false},
                 "eos_token": {"content": "<|endoftext|>"},
                 "chat_template": [{"name": "tool_use", "template": "TOOLS"}, {"name": "default", "template": "DEFAULT"}]}
                """);
        try (Tokenizer tok = Tokenizer.load(dir)) {
            assertEquals("<|im_start|>", tok.bosToken());
            assertEquals(OptionalInt.of(151643), tok.eosTokenId());
            assertEquals("DEFAULT", tok.chatTemplateSource());
        }
    }
}
