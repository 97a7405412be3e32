package dev.lorafoundry.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams the golden token ids one at a time; deltas must be whole characters and add up to the text. */
class IncrementalDetokenizerTest {

    private static Tokenizer tokenizer;
    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.load(Path.of("../shared/tokenizers/qwen3"));
        golden = new ObjectMapper().readTree(Path.of("src/test/resources/golden/tokenizer/qwen3/encodings.json").toFile());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static int[] ids(JsonNode c) {
        int[] ids = new int[c.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = c.get("ids").get(i).asInt();
        }
        return ids;
    }

    @Test
    void deltasAreWholeCharactersAndConcatenateToTheText() {
        for (JsonNode c : golden.path("cases")) {
            if (!c.has("text")) {
                continue;
            }
            for (boolean skipSpecial : new boolean[] {false, true}) {
                IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecial);
                StringBuilder streamed = new StringBuilder();
                for (int id : ids(c)) {
                    String delta = detokenizer.add(id);
                    assertFalse(delta.contains("\uFFFD"), "delta " + delta + " of " + c.get("text").asText());
                    streamed.append(delta);
                }
                streamed.append(detokenizer.flush());
                String expected = c.get(skipSpecial ? "decoded_skip_special" : "decoded").asText();
                assertEquals(expected, streamed.toString());
                if (!skipSpecial) { // the tokenizer NFC-normalizes, so the text comes back normalized
                    assertEquals(Normalizer.normalize(c.get("text").asText(), Normalizer.Form.NFC), streamed.toString());
                }
            }
        }
    }

    @Test
    void splitCharacterIsHeldBackUntilComplete() {
        int[] ids = tokenizer.encode("a🪿b 𠀋", false);
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, false);
        List<String> deltas = new ArrayList<>();
        for (int id : ids) {
            deltas.add(detokenizer.add(id));
        }
        assertTrue(deltas.contains(""), "some byte token must have been held back: " + deltas);
        assertEquals("a🪿b 𠀋", String.join("", deltas) + detokenizer.flush());
    }

    @Test
    void flushReturnsAnUnfinishedCharacterAsDecodeDoes() {
        int[] flag = tokenizer.encode("🪿", false);
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, false);
        StringBuilder streamed = new StringBuilder();
        streamed.append(detokenizer.add(flag[0]));
        streamed.append(detokenizer.flush());
        assertEquals(tokenizer.decode(new int[] {flag[0]}, false), streamed.toString());
        assertEquals("", detokenizer.flush());
    }

    @Test
    void longStreamMatchesFullDecode() {
        String text = "Zürich 東京 🙂 naïve — ".repeat(200);
        int[] ids = tokenizer.encode(text, false);
        IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, true);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(detokenizer.add(id));
        }
        streamed.append(detokenizer.flush());
        assertEquals(text, streamed.toString());
    }
}
