package dev.lorafoundry.training.data;

import dev.lorafoundry.model.ByteLevelTokenizerWriter;
import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import dev.lorafoundry.toolcall.ToolCall;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which tokens carry loss. The expected spans are written here by hand, as the text each assistant turn must produce
 * in Qwen3's (or ChatML's) format, tokenized, and searched for in the encoded ids: the encoder's own prefix diffing is
 * never consulted.
 */
class SftEncoderMaskTest {

    static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]""";

    static Tokenizer qwen3;
    static ChatTemplate qwen3Template;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void load() {
        qwen3 = Qwen3Tokenizer.get();
        qwen3Template = Qwen3Tokenizer.template();
    }

    /** system, tools, user, assistant tool call, tool result, assistant answer, user, assistant answer. */
    static Conversation weatherConversation() {
        return new Conversation(0, "You are a weather bot.", null, List.of(
                Turn.user("What's the weather in Paris?"),
                Turn.assistantCalling("", List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"))),
                Turn.tool("{\"temperature\": 21, \"sky\": \"sunny\"}", "call_1"),
                Turn.assistant("It is sunny and 21 degrees in Paris."),
                Turn.user("Thanks! And tomorrow?"),
                Turn.assistant("I can only see today's weather."))).withTools(TOOLS);
    }

    /** What Qwen3's template writes for each assistant turn after its generation prompt "<|im_start|>assistant\n". */
    static final List<String> QWEN3_ANSWERS = List.of(
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>",
            "It is sunny and 21 degrees in Paris.<|im_end|>",
            // the last turn comes after the last user query, so Qwen3 writes an (empty) think block
            "<think>\n\n</think>\n\nI can only see today's weather.<|im_end|>");

    @Test
    void exactlyTheAssistantTurnsAndTheirEndTokensCarryLoss() {
        Conversation conversation = weatherConversation();
        SftEncoder encoder = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults());
        EncodedExample example = encoder.encode(conversation);
        System.out.println(show(qwen3, example));

        String rendered = qwen3Template.render(TemplateMessages.messages(conversation), TemplateMessages.tools(conversation),
                false, Map.of());
        assertEquals(rendered, qwen3.decode(example.inputIds(), false), "the tokens are the whole rendered conversation");
        assertTrue(rendered.contains("<tool_response>\n{\"temperature\": 21, \"sky\": \"sunny\"}\n</tool_response>"));
        assertTrue(rendered.contains("\"name\": \"get_weather\""), "the tools are rendered in the system prompt");

        boolean[] expected = expectedMask(qwen3, example.inputIds(), QWEN3_ANSWERS, List.of(true, true, true));
        assertArrayEquals(expected, example.lossMask(), "loss on exactly the three assistant turns and their <|im_end|>");
        int imEnd = qwen3.tokenId("<|im_end|>").orElseThrow();
        long trainedEnds = countWhere(example, (id, loss) -> id == imEnd && loss);
        assertEquals(3, trainedEnds, "each assistant turn's <|im_end|> is trained, the prompts' are not");
        assertEquals(-100, example.labels()[0]);
    }

    @Test
    void weightZeroTurnCarriesNoLoss() {
        Conversation conversation = weatherConversation();
        List<Turn> turns = new ArrayList<>(conversation.turns());
        turns.set(3, turns.get(3).withWeight(0));
        Conversation weighted = new Conversation(0, conversation.system(), conversation.toolsJson(), turns);
        EncodedExample example = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults()).encode(weighted);
        System.out.println(show(qwen3, example));
        assertArrayEquals(expectedMask(qwen3, example.inputIds(), QWEN3_ANSWERS, List.of(true, false, true)), example.lossMask());
    }

    @Test
    void maskHistoryTrainsTheLastTurnOnly() {
        EncodedExample example = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withMaskHistory(true))
                .encode(weatherConversation());
        assertArrayEquals(expectedMask(qwen3, example.inputIds(), QWEN3_ANSWERS, List.of(false, false, true)), example.lossMask());
        EncodedExample all = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults()).encode(weatherConversation());
        assertArrayEquals(all.inputIds(), example.inputIds(), "mask_history changes the loss, not the tokens");
    }

    @Test
    void trainOnPromptPutsLossEverywhere() {
        EncodedExample example = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withTrainOnPrompt(true))
                .encode(weatherConversation());
        assertEquals(example.length(), example.trainedTokens());
    }

    @Test
    void cutoffKeepsTheAnswerAndCutsThePrompt() {
        String question = "Please summarise: " + "the quick brown fox jumps over the lazy dog. ".repeat(40);
        Conversation conversation = Conversation.of(null, List.of(Turn.user(question), Turn.assistant("A fox jumps a dog.")));
        EncodedExample whole = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withCutoffLen(0)).encode(conversation);
        int cutoff = 64;
        assertTrue(whole.length() > 4 * cutoff);
        EncodedExample cut = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withCutoffLen(cutoff)).encode(conversation);
        System.out.println(show(qwen3, cut));

        assertEquals(cutoff, cut.length());
        int[] answer = qwen3.encode("<think>\n\n</think>\n\nA fox jumps a dog.<|im_end|>", false);
        int[] tail = qwen3.encode("\n", false);
        int answerAt = cutoff - tail.length - answer.length;
        assertArrayEquals(answer, Arrays.copyOfRange(cut.inputIds(), answerAt, answerAt + answer.length), "answer kept whole");
        assertArrayEquals(Arrays.copyOf(whole.inputIds(), answerAt), Arrays.copyOf(cut.inputIds(), answerAt),
                "the prompt keeps its beginning");
        boolean[] expected = new boolean[cutoff];
        Arrays.fill(expected, answerAt, answerAt + answer.length, true);
        assertArrayEquals(expected, cut.lossMask());
    }

    @Test
    void cutoffDropsLaterTurnsFirstAndMaskHistoryKeepsTheLast() {
        Conversation conversation = weatherConversation();
        EncodedExample whole = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withCutoffLen(0)).encode(conversation);
        int cutoff = whole.length() - 30; // the last turn no longer fits whole
        EncodedExample cut = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withCutoffLen(cutoff)).encode(conversation);
        assertTrue(cut.length() <= cutoff);
        assertArrayEquals(Arrays.copyOf(whole.inputIds(), cut.length() - 20), Arrays.copyOf(cut.inputIds(), cut.length() - 20));

        EncodedExample last = new SftEncoder(qwen3Template, qwen3, SftOptions.defaults().withCutoffLen(cutoff).withMaskHistory(true))
                .encode(conversation);
        int[] lastAnswer = qwen3.encode(QWEN3_ANSWERS.get(2), false);
        int at = indexOf(last.inputIds(), lastAnswer, 0);
        assertTrue(at >= 0, "mask_history keeps the last answer whole");
        assertEquals(lastAnswer.length, last.trainedTokens());
    }

    @Test
    void chatMlTemplateOfTheByteLevelTokenizer() {
        ByteLevelTokenizerWriter.write(tmp.resolve("bytes"), 200, 4096);
        try (Tokenizer bytes = Tokenizer.load(tmp.resolve("bytes"))) {
            ChatTemplate template = ChatTemplate.forTokenizer(bytes, "chatml");
            EncodedExample example = new SftEncoder(template, bytes, SftOptions.defaults()).encode(weatherConversation());
            System.out.println(show(bytes, example));
            // this template writes "<|im_start|>assistant" then "\n<tool_call>..." for a call, and no think blocks
            List<String> answers = List.of(
                    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>",
                    "It is sunny and 21 degrees in Paris.<|im_end|>",
                    "I can only see today's weather.<|im_end|>");
            assertArrayEquals(expectedMask(bytes, example.inputIds(), answers, List.of(true, true, true)), example.lossMask());
        }
    }

    @Test
    void eosIsAddedWhenTheTemplateEndsTurnsWithNothing() {
        ByteLevelTokenizerWriter.write(tmp.resolve("plain"), 100, 4096);
        try (Tokenizer bytes = Tokenizer.load(tmp.resolve("plain"))) {
            ChatTemplate template = ChatTemplate.of("""
                    {%- for m in messages %}{{ m.role + ': ' + m.content + '\n' }}{% endfor %}
                    {%- if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}""", null, null);
            Conversation conversation = Conversation.of(null, List.of(Turn.user("Hi"), Turn.assistant("Hello there"),
                    Turn.user("Bye"), Turn.assistant("Goodbye")));
            SftEncoder encoder = new SftEncoder(template, bytes, SftOptions.defaults());
            assertEquals("", encoder.endOfTurn());
            EncodedExample example = encoder.encode(conversation);
            System.out.println(show(bytes, example));
            int eos = ByteLevelTokenizerWriter.IM_END_ID;
            int[] expectedIds = concat(bytes.encode("user: Hi\nassistant: ", false), bytes.encode("Hello there", false),
                    new int[] {eos}, bytes.encode("\nuser: Bye\nassistant: ", false), bytes.encode("Goodbye", false),
                    new int[] {eos}, bytes.encode("\n", false));
            assertArrayEquals(expectedIds, example.inputIds());
            assertArrayEquals(expectedMask(bytes, example.inputIds(), List.of("Hello there<|im_end|>", "Goodbye<|im_end|>"),
                    List.of(true, true)), example.lossMask());
        }
    }

    @Test
    void thinkingOffStillFindsEveryTurn() {
        SftEncoder encoder = new SftEncoder(qwen3Template, qwen3,
                SftOptions.defaults().withTemplateKwargs(Map.of("enable_thinking", false)));
        EncodedExample example = encoder.encode(weatherConversation());
        System.out.println(show(qwen3, example));
        // with thinking off the empty think block is part of the generation prompt, so the last answer starts after it
        List<String> answers = List.of(QWEN3_ANSWERS.get(0), QWEN3_ANSWERS.get(1), "I can only see today's weather.<|im_end|>");
        assertArrayEquals(expectedMask(qwen3, example.inputIds(), answers, List.of(true, true, true)), example.lossMask());
    }

    @Test
    void unusableConversationIsAnEncodingError() {
        Conversation noAnswer = new Conversation(12, null, null, List.of(Turn.user("Hi")));
        EncodingException error = assertThrows(EncodingException.class,
                () -> new SftEncoder(qwen3Template, qwen3, SftOptions.defaults()).encode(noAnswer));
        assertTrue(error.getMessage().contains("the conversation at line 12 cannot be trained on"), error.getMessage());
    }

    /** Finds each answer's tokens in order and marks them; a missing answer fails the test. */
    static boolean[] expectedMask(Tokenizer tokenizer, int[] ids, List<String> answers, List<Boolean> learned) {
        boolean[] mask = new boolean[ids.length];
        int from = 0;
        for (int a = 0; a < answers.size(); a++) {
            int[] answer = tokenizer.encode(answers.get(a), false);
            int at = indexOf(ids, answer, from);
            assertTrue(at >= 0, "answer " + a + " " + answers.get(a) + " is not among the encoded tokens");
            if (learned.get(a)) {
                Arrays.fill(mask, at, at + answer.length, true);
            }
            from = at + answer.length;
        }
        return mask;
    }

    static int indexOf(int[] haystack, int[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int[] concat(int[]... parts) {
        int[] all = new int[0];
        for (int[] part : parts) {
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        return all;
    }

    interface TokenTest {
        boolean test(int id, boolean loss);
    }

    static long countWhere(EncodedExample example, TokenTest test) {
        long n = 0;
        for (int i = 0; i < example.length(); i++) {
            n += test.test(example.inputIds()[i], example.lossMask()[i]) ? 1 : 0;
        }
        return n;
    }

    /** The tokens, each prefixed with '+' when it carries loss and '.' when not, runs grouped. */
    static String show(Tokenizer tokenizer, EncodedExample example) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < example.length()) {
            boolean loss = example.lossMask()[i];
            int j = i;
            StringBuilder run = new StringBuilder();
            while (j < example.length() && example.lossMask()[j] == loss) {
                run.append('[').append(tokenizer.decode(new int[] {example.inputIds()[j]}, false).replace("\n", "\\n")).append(']');
                j++;
            }
            out.append(loss ? "LOSS    " : "no loss ").append(run).append('\n');
            i = j;
        }
        return out.toString();
    }
}
