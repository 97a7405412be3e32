package dev.lorafoundry.defaultmodel;

import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.toolcall.HermesToolCallParser;
import dev.lorafoundry.toolcall.ParsedOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tokenizer trained on the generated data, loaded through the project's Tokenizer (HF tokenizers via DJL). */
class TrainedTokenizerTest {

    @TempDir
    static Path dir;

    private static BpeModel model;
    private static Tokenizer tokenizer;
    private static GeneratedChats chats;
    private static double trainSeconds;

    @BeforeAll
    static void train() {
        List<String> corpus = new CorpusGenerator(AssistantIdentity.FOUNDRY).generate(3, 400_000);
        chats = new ConversationGenerator(new PlainAnswers(AssistantIdentity.FOUNDRY)).generate(3, 400);
        ConversationRenderer renderer = new ConversationRenderer();
        BpeTokenizerTrainer trainer = new BpeTokenizerTrainer().addAll(corpus);
        chats.training().forEach(c -> trainer.add(renderer.render(c)));
        long start = System.nanoTime();
        model = trainer.train(1024);
        trainSeconds = (System.nanoTime() - start) / 1e9;
        TokenizerFilesWriter.write(model, dir, 2048);
        tokenizer = Tokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void roundTripsVariedText() {
        List<String> texts = List.of(
                "Hello! I am Foundry. How can I help you today?",
                "What is 17 - 9? 17 - 9 = 8. And 1234567890?",
                "Unicode: café, naïve, Zürich, São Paulo, 東京, 日本語, Привет, Ελληνικά, עברית, العربية",
                "Emoji 🙂🚀👩‍💻 and rare 𝄞, combining e\u0301 (not normalised), NBSP\u00a0here, zero width\u200bjoin",
                "JSON {\"city\": \"Paris\", \"unit\": \"celsius\"} and code: for (int i = 0; i < n; i++) { x += i; }",
                "   spaces   \t tabs \n\n newlines \r\n CRLF \u2028 line separator",
                "<|im_start|>user\nHi<|im_end|>\n<tool_call>\n{}\n</tool_call><tool_response>x</tool_response><|endoftext|>",
                "");
        for (String text : texts) {
            int[] ids = tokenizer.encode(text, false);
            assertEquals(text, tokenizer.decode(ids, false), "round trip of " + text);
            assertArrayEquals(ids, tokenizer.encode(text, true), "the tokenizer adds no BOS/EOS of its own");
        }
    }

    @Test
    void addedTokensAreWholeAndOnlyChatMarkersAreSpecial() {
        for (SpecialTokens.AddedToken token : SpecialTokens.ALL) {
            int id = TokenizerFilesWriter.addedTokenId(model, token.content());
            assertArrayEquals(new int[] {id}, tokenizer.encode(token.content(), false), token.content());
            assertEquals(token.special(), tokenizer.isSpecial(id), token.content() + " special");
        }
        assertEquals(TokenizerFilesWriter.addedTokenId(model, SpecialTokens.IM_END), tokenizer.eosTokenId().orElseThrow());
        assertEquals(SpecialTokens.END_OF_TEXT, tokenizer.padToken());
        assertEquals(1024, tokenizer.vocabSize());
        String answer = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"timezone\": \"Asia/Tokyo\"}}\n</tool_call><|im_end|>";
        String decoded = tokenizer.decode(tokenizer.encode(answer, false), true);
        assertEquals(answer.replace("<|im_end|>", ""), decoded, "skip_special_tokens keeps the tool-call tags");
    }

    @Test
    void digitsAreSingleTokens() {
        int[] ids = tokenizer.encode("2048", false);
        assertEquals(4, ids.length, Arrays.toString(ids));
    }

    @Test
    void renderedToolCallParsesWithTheHermesParser() {
        var conversation = chats.training().stream()
                .filter(c -> c.turns().stream().anyMatch(t -> !t.toolCalls().isEmpty()))
                .findFirst().orElseThrow();
        String rendered = new ConversationRenderer().render(conversation);
        int callTurn = 0;
        while (conversation.turns().get(callTurn).toolCalls().isEmpty()) {
            callTurn++;
        }
        var expected = conversation.turns().get(callTurn).toolCalls();
        int start = rendered.indexOf("<|im_start|>assistant\n<tool_call>") + "<|im_start|>assistant\n".length();
        String output = rendered.substring(start, rendered.indexOf("<|im_end|>", start));
        ParsedOutput parsed = new HermesToolCallParser().parse(
                tokenizer.decode(tokenizer.encode(output, false), true), Set.of("get_weather", "get_time"));
        assertEquals(expected.size(), parsed.toolCalls().size(), output);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).name(), parsed.toolCalls().get(i).name());
            assertEquals(Jsons.tree(expected.get(i).argumentsJson()), Jsons.tree(parsed.toolCalls().get(i).argumentsJson()));
        }
    }

    @Test
    void trainsInSeconds() {
        System.out.printf("BPE merges for a 1024-token vocabulary learned in %.2f s%n", trainSeconds);
        assertTrue(trainSeconds < 30, "training took " + trainSeconds + " s");
    }

    @Test
    void sameTextSameTokenizer() {
        List<String> corpus = new CorpusGenerator(AssistantIdentity.FOUNDRY).generate(3, 50_000);
        BpeModel first = new BpeTokenizerTrainer().addAll(corpus).train(400);
        BpeModel second = new BpeTokenizerTrainer().addAll(corpus.reversed()).train(400);
        assertEquals(first, second, "document order does not change the merges");
    }

    @Test
    void refusesSizesItCannotReach() {
        var tooSmall = assertThrows(IllegalArgumentException.class, () -> new BpeTokenizerTrainer().train(200));
        assertTrue(tooSmall.getMessage().contains("at least 263"), tooSmall.getMessage());
        BpeTokenizerTrainer little = new BpeTokenizerTrainer();
        little.add("abab abab");
        var tooLittle = assertThrows(IllegalArgumentException.class, () -> little.train(300));
        assertTrue(tooLittle.getMessage().contains("give more text or a smaller vocabSize"), tooLittle.getMessage());
        assertFalse(tooLittle.getMessage().isBlank());
    }
}
