package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The trained tokenizer against tools/defaultmodel/make_tokenizer_goldens.py: merges from a naive Python BPE trainer,
 * ids from a tokenizer HF's tokenizers package built from those merges, chat renderings from transformers'
 * apply_chat_template on the same template file.
 */
class BpeTokenizerGoldenTest {

    private static final Path GOLDEN_DIR = Path.of("src/test/resources/golden/defaultmodel");

    @TempDir
    static Path dir;

    private static JsonNode golden;
    private static BpeModel model;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void train() throws IOException {
        golden = new ObjectMapper().readTree(GOLDEN_DIR.resolve("tokenizer-golden.json").toFile());
        BpeTokenizerTrainer trainer = new BpeTokenizerTrainer();
        trainer.add(Files.readString(GOLDEN_DIR.resolve("bpe-corpus.txt")));
        model = trainer.train(golden.get("vocab_size").asInt());
        TokenizerFilesWriter.write(model, dir, 1024);
        tokenizer = Tokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void splitPatternIsQwens() {
        assertEquals(golden.get("pattern").asText(), PreTokenizer.PATTERN);
    }

    @Test
    void mergesMatchTheNaiveReferenceTrainer() {
        JsonNode expected = golden.get("merge_ids");
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), model.merges().size()); i++) {
            String want = i < expected.size() ? expected.get(i).get(0).asInt() + "," + expected.get(i).get(1).asInt() : "none";
            String got = i < model.merges().size() ? model.merges().get(i).left() + "," + model.merges().get(i).right() : "none";
            if (!want.equals(got)) {
                mismatches.add("merge " + i + ": expected " + want + " (" + (i < expected.size() ? golden.get("merges").get(i) : "")
                        + "), got " + got);
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())));
        assertEquals(golden.get("vocab_size").asInt(), tokenizer.vocabSize());
    }

    @Test
    void encodesAndDecodesLikeHuggingFace() {
        for (JsonNode c : golden.get("encodings")) {
            String text = c.get("text").asText();
            int[] ids = ints(c.get("ids"));
            assertArrayEquals(ids, tokenizer.encode(text, true), "ids of " + text);
            assertArrayEquals(ids, tokenizer.encode(text, false), "ids of " + text + " (no special tokens added)");
            assertEquals(c.get("decoded").asText(), tokenizer.decode(ids, false));
            assertEquals(c.get("decoded_skip_special").asText(), tokenizer.decode(ids, true));
        }
    }

    @Test
    void chatTemplateRendersLikeTransformers() {
        ConversationRenderer renderer = new ConversationRenderer();
        for (JsonNode c : golden.get("renders")) {
            ObjectNode record = (ObjectNode) c.get("record");
            String rendered = renderer.render(record, false);
            assertEquals(c.get("rendered").asText(), rendered, "rendering of " + record);
            assertArrayEquals(ints(c.get("ids")), tokenizer.encode(rendered, false));
            assertEquals(c.get("rendered").asText(), renderer.render(withParsedArguments(record), false),
                    "rendering with arguments as objects (tojson) of " + record);

            ObjectNode prompt = record.deepCopy();
            JsonNode messages = prompt.get("messages");
            int last = 0;
            for (int i = 0; i < messages.size(); i++) {
                if ("assistant".equals(messages.get(i).get("role").asText())) {
                    last = i;
                }
            }
            var cut = prompt.putArray("messages");
            for (int i = 0; i < last; i++) {
                cut.add(messages.get(i));
            }
            String promptText = renderer.render(prompt, true);
            assertEquals(c.get("prompt").asText(), promptText);
            assertArrayEquals(ints(c.get("prompt_ids")), tokenizer.encode(promptText, false));
        }
    }

    private static ObjectNode withParsedArguments(ObjectNode record) {
        ObjectNode copy = record.deepCopy();
        ObjectMapper json = new ObjectMapper();
        for (JsonNode message : copy.get("messages")) {
            for (JsonNode call : message.path("tool_calls")) {
                ObjectNode function = (ObjectNode) call.get("function");
                try {
                    function.set("arguments", json.readTree(function.get("arguments").asText()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return copy;
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
