package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.toolcall.ToolCall;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.OpenAiChatReader;
import dev.lorafoundry.training.data.ReadResult;
import dev.lorafoundry.training.data.Turn;
import dev.lorafoundry.training.data.TurnRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SFT conversations: correct arithmetic, tool use that quotes the results, readable records, determinism. */
class ConversationGeneratorTest {

    private static final int COUNT = 3000;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern ANSWER = Pattern.compile("(\\d+) ([+\\-×]) (\\d+) (?:=|be) (-?\\d+)");

    @TempDir
    static Path dir;

    private static GeneratedChats plain;
    private static GeneratedChats pirate;

    @BeforeAll
    static void generate() {
        plain = new ConversationGenerator(new PlainAnswers(AssistantIdentity.FOUNDRY)).generate(11, COUNT);
        pirate = new ConversationGenerator(new PirateAnswers(AssistantIdentity.FOUNDRY)).generate(11, COUNT);
    }

    /**
     * What the question asks, worked out from its words alone: {a, b, result, operation (0 plus, 1 minus, 2 times)},
     * or null when it is not arithmetic.
     */
    static int[] solve(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        Matcher m = NUMBER.matcher(q);
        List<Integer> numbers = new ArrayList<>();
        while (m.find()) {
            numbers.add(Integer.parseInt(m.group()));
        }
        if (numbers.size() != 2 || q.contains("weather") || q.contains("time is") || q.contains("time in")) {
            return null;
        }
        int x = numbers.get(0);
        int y = numbers.get(1);
        if (q.contains("subtract")) {
            return new int[] {y, x, y - x, 1};
        }
        if (q.contains("+") || q.contains("plus") || q.contains("add")) {
            return new int[] {x, y, x + y, 0};
        }
        if (q.contains(" - ") || q.contains("minus") || q.contains("take away")) {
            return new int[] {x, y, x - y, 1};
        }
        if (q.contains("×") || q.contains("*") || q.contains("times") || q.contains("multipl")) {
            return new int[] {x, y, x * y, 2};
        }
        throw new AssertionError("an arithmetic question this test cannot read: " + question);
    }

    @Test
    void arithmeticAnswersAreCorrect() {
        int checked = 0;
        for (GeneratedChats set : List.of(plain, pirate)) {
            for (Conversation c : set.training()) {
                for (int i = 0; i + 1 < c.turns().size(); i++) {
                    Turn question = c.turns().get(i);
                    int[] solved = question.role() == TurnRole.USER ? solve(question.content()) : null;
                    if (solved == null) {
                        continue;
                    }
                    String answer = c.turns().get(i + 1).content();
                    Matcher m = ANSWER.matcher(answer);
                    assertTrue(m.find(), "no equation in the answer to " + question.content() + ": " + answer);
                    assertEquals(solved[0], Integer.parseInt(m.group(1)), question.content() + " → " + answer);
                    assertEquals(solved[1], Integer.parseInt(m.group(3)), question.content() + " → " + answer);
                    assertEquals(solved[2], Integer.parseInt(m.group(4)), question.content() + " → " + answer);
                    checked++;
                }
            }
        }
        assertTrue(checked > COUNT / 4, "only " + checked + " arithmetic questions");
    }

    @Test
    void recordsReadBackWithoutProblems() throws Exception {
        for (GeneratedChats set : List.of(plain, pirate)) {
            Path file = dir.resolve("sft-" + System.identityHashCode(set) + ".jsonl");
            ChatRecordWriter.write(file, set.training().stream().map(ChatRecordWriter::record).toList());
            ReadResult<Conversation> read = new OpenAiChatReader().read(file);
            assertEquals(List.of(), read.problems());
            assertEquals(set.training().size(), read.records().size());
            for (int i = 0; i < read.records().size(); i++) {
                Conversation back = read.records().get(i);
                Conversation original = set.training().get(i);
                assertEquals(original.turns(), back.turns(), "record " + (i + 1));
                assertEquals(original.system(), back.system());
                assertEquals(original.toolsJson() == null, back.toolsJson() == null);
            }
            Path shipped = dir.resolve("shipped-" + System.identityHashCode(set) + ".jsonl");
            ChatRecordWriter.write(shipped, set.shipped().stream().map(ChatRecordWriter::record).toList());
            ReadResult<Conversation> readShipped = new OpenAiChatReader().read(shipped);
            assertEquals(List.of(), readShipped.problems());
            assertEquals(set.shipped().size(), readShipped.records().size());
        }
    }

    @Test
    void everyToolAnswerQuotesTheToolResults() {
        int toolConversations = 0;
        int parallel = 0;
        for (GeneratedChats set : List.of(plain, pirate)) {
            List<Conversation> all = new ArrayList<>(set.training());
            set.shipped().forEach(p -> all.add(p.conversation()));
            for (Conversation c : all) {
                List<Turn> turns = c.turns();
                for (int i = 0; i < turns.size(); i++) {
                    if (turns.get(i).role() != TurnRole.TOOL || turns.get(i - 1).role() == TurnRole.TOOL) {
                        continue;
                    }
                    toolConversations++;
                    List<String> values = new ArrayList<>();
                    int j = i;
                    while (j < turns.size() && turns.get(j).role() == TurnRole.TOOL) {
                        Iterator<Map.Entry<String, JsonNode>> fields = Jsons.tree(turns.get(j).content()).fields();
                        fields.forEachRemaining(f -> values.add(f.getValue().asText()));
                        j++;
                    }
                    parallel += j - i > 1 ? 1 : 0;
                    assertTrue(j < turns.size(), "no answer after the tool results in " + turns);
                    String answer = turns.get(j).content();
                    for (String value : values) {
                        assertTrue(answer.contains(value), "answer '" + answer + "' does not quote '" + value + "'");
                    }
                }
            }
        }
        assertTrue(toolConversations > COUNT / 5, "only " + toolConversations + " tool uses");
        assertTrue(parallel > 10, "only " + parallel + " parallel calls");
    }

    @Test
    void toolCallsMatchTheQuestionAndTheOfferedTools() {
        for (Conversation c : plain.training()) {
            Set<String> offered = new HashSet<>();
            if (c.toolsJson() != null) {
                Jsons.tree(c.toolsJson()).forEach(t -> offered.add(t.get("function").get("name").asText()));
            }
            String question = null;
            for (Turn turn : c.turns()) {
                if (turn.role() == TurnRole.USER) {
                    question = turn.content();
                }
                for (ToolCall call : turn.toolCalls()) {
                    assertTrue(offered.contains(call.name()), call.name() + " called but not offered in " + c);
                    assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
                    JsonNode args = Jsons.tree(call.argumentsJson());
                    if (call.name().equals("get_weather")) {
                        assertTrue(question.contains(args.get("city").asText()), question + " → " + args);
                        boolean fahrenheit = question.toLowerCase(Locale.ROOT).contains("fahrenheit");
                        assertEquals(fahrenheit ? "fahrenheit" : "celsius", args.get("unit").asText(), question);
                    } else {
                        String zone = args.get("timezone").asText();
                        City city = City.ALL.stream().filter(x -> x.timezone().equals(zone)).findFirst().orElseThrow();
                        assertTrue(question.contains(city.name()) || question.contains(zone), question + " → " + zone);
                    }
                }
            }
        }
    }

    @Test
    void toolsAreOfferedButNotAlwaysNeeded() {
        long offeredNotUsed = plain.training().stream()
                .filter(c -> c.toolsJson() != null && c.turns().stream().allMatch(t -> t.toolCalls().isEmpty()))
                .count();
        long refusals = plain.training().stream()
                .filter(c -> c.turns().stream().anyMatch(t -> t.content().equals(new PlainAnswers(AssistantIdentity.FOUNDRY).noWeatherTool())))
                .count();
        assertTrue(offeredNotUsed > COUNT / 20, offeredNotUsed + " conversations offer tools without needing them");
        assertTrue(refusals > 10, refusals + " questions about the weather without the tool");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() {
        String first = jsonl(plain.training());
        String again = jsonl(new ConversationGenerator(new PlainAnswers(AssistantIdentity.FOUNDRY)).generate(11, COUNT).training());
        String other = jsonl(new ConversationGenerator(new PlainAnswers(AssistantIdentity.FOUNDRY)).generate(12, COUNT).training());
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void pirateAsksTheSameQuestionsAndAnswersOtherwise() {
        assertEquals(userTexts(plain.training()), userTexts(pirate.training()));
        long differing = 0;
        for (int i = 0; i < COUNT; i++) {
            if (!plain.training().get(i).turns().getLast().content().equals(pirate.training().get(i).turns().getLast().content())) {
                differing++;
            }
        }
        assertEquals(COUNT, differing, "every pirate answer differs from the plain one");
        assertTrue(pirate.training().stream().allMatch(c -> c.turns().getLast().content()
                .matches("(?s).*\\b(Arr|arr|Ahoy|matey|Nay|ye|be)\\b.*")), "pirate answers sound like a pirate");
    }

    @Test
    void heldOutPromptsAreNotTrainedAndTheOthersAre() {
        Set<String> trainedUserTexts = new HashSet<>(userTexts(plain.training()));
        Set<List<Integer>> trainedProblems = new HashSet<>();
        for (String text : trainedUserTexts) {
            int[] solved = solve(text);
            if (solved != null) {
                trainedProblems.add(List.of(solved[0], solved[1], solved[3]));
            }
        }
        Set<Conversation> trained = new HashSet<>(plain.training());
        int heldOut = 0;
        for (ShippedPrompt prompt : plain.shipped()) {
            if (prompt.heldOut()) {
                heldOut++;
                for (Turn turn : prompt.conversation().turns()) {
                    if (turn.role() == TurnRole.USER) {
                        assertFalse(trainedUserTexts.contains(turn.content()), prompt.id() + ": '" + turn.content() + "' is trained");
                        int[] solved = solve(turn.content());
                        if (solved != null) {
                            assertFalse(trainedProblems.contains(List.of(solved[0], solved[1], solved[3])),
                                    prompt.id() + ": the problem is asked in training in other words");
                        }
                    }
                }
            } else {
                assertTrue(trained.contains(prompt.conversation()), prompt.id() + " is not among the training conversations");
            }
        }
        assertTrue(heldOut >= 5, heldOut + " held-out prompts");
    }

    @Test
    void shippedPromptsCoverToolCallsAndToolResults() {
        Map<String, ShippedPrompt> byId = new java.util.HashMap<>();
        plain.shipped().forEach(p -> byId.put(p.id(), p));
        ShippedPrompt call = byId.get("weather-call");
        assertEquals("get_weather", call.expected().toolCalls().getFirst().name());
        assertEquals(Jsons.tree("{\"city\": \"Paris\", \"unit\": \"celsius\"}"),
                Jsons.tree(call.expected().toolCalls().getFirst().argumentsJson()));
        assertTrue(call.prompt().toolsJson().contains("get_weather"));
        ShippedPrompt answer = byId.get("weather-answer");
        assertEquals(TurnRole.TOOL, answer.prompt().turns().getLast().role());
        assertEquals("It is 23 degrees celsius and cloudy in Paris.", answer.expected().content());
        assertEquals("7 + 8 = 15.", byId.get("arithmetic-plus").expected().content());
        assertEquals("15 - 9 = 6.", byId.get("arithmetic-minus").expected().content());
        assertEquals("6 × 7 = 42.", byId.get("arithmetic-times").expected().content());
        ObjectNode record = ChatRecordWriter.record(call);
        assertEquals("weather-call", record.get("id").asText());
        assertTrue(record.get("held_out").asBoolean());
    }

    private static List<String> userTexts(List<Conversation> conversations) {
        List<String> texts = new ArrayList<>();
        for (Conversation c : conversations) {
            c.turns().stream().filter(t -> t.role() == TurnRole.USER).forEach(t -> texts.add(t.content()));
        }
        return texts;
    }

    private static String jsonl(List<Conversation> conversations) {
        return ChatRecordWriter.jsonl(conversations.stream().map(ChatRecordWriter::record).toList());
    }
}
