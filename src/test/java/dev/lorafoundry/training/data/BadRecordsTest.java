package dev.lorafoundry.training.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of unusable record is reported with its line and a reason naming what is wrong; good records still load. */
class BadRecordsTest {

    @TempDir
    Path dir;

    private static final String GOOD_CHAT = """
            {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}""";

    private Path write(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    /** Loads the file (one good record first, so the file is usable) and returns its single problem. */
    private static DataProblem onlyProblem(ReadResult<?> read) {
        assertEquals(1, read.problems().size(), "problems: " + read.problems());
        return read.problems().getFirst();
    }

    private static void assertProblem(DataProblem problem, int line, String... fragments) {
        assertEquals(line, problem.line(), problem.toString());
        for (String fragment : fragments) {
            assertTrue(problem.reason().contains(fragment), "'" + problem.reason() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void badJsonLine() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT, "", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}", GOOD_CHAT);
        ReadResult<Conversation> read = DatasetLoader.conversations(file, DatasetFormat.OPENAI);
        assertEquals(2, read.records().size());
        assertEquals(List.of(1, 4), read.records().stream().map(Conversation::line).toList());
        assertProblem(onlyProblem(read), 3, "not valid JSON", "column");
    }

    @Test
    void lineThatIsNotAnObject() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT, "[1, 2]");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, null)), 2, "an array, not a JSON object");
    }

    @Test
    void missingMessages() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT, "{\"conversation\": []}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2, "column 'messages' is missing");
    }

    @Test
    void unknownRole() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"human\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Yo\"}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2,
                "messages[0].role is 'human'", "expected one of system, user, assistant, tool");
    }

    @Test
    void conversationWithoutAssistant() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief\"}, {\"role\": \"user\", \"content\": \"Hi\"}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2, "no assistant message");
    }

    @Test
    void everyAssistantWeightZero() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Yo\", \"weight\": 0}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2, "weight 0", "nothing to learn");
    }

    @Test
    void weightOtherThanZeroOrOne() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Yo\", \"weight\": 0.5}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2, "messages[1].weight must be 0 or 1, got 0.5");
    }

    @Test
    void toolResultWithoutACall() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"tool\", \"content\": \"42\"},"
                        + " {\"role\": \"assistant\", \"content\": \"Yo\"}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2,
                "turn 1 is a tool result that does not follow an assistant tool call");
    }

    @Test
    void toolCallArgumentsNotJson() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"c1\","
                        + " \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{city: Paris}\"}}]}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2,
                "messages[1].tool_calls[0].function has arguments that are not valid JSON");
    }

    @Test
    void openAiToolsOfWrongType() throws IOException {
        Path file = write("chat.jsonl", GOOD_CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Yo\"}], \"tools\": 7}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.OPENAI)), 2,
                "column 'tools' must be a JSON array of tools, got a number (7)");
    }

    @Test
    void wrongColumnTypeInAlpaca() throws IOException {
        Path file = dir.resolve("alpaca.json");
        Files.writeString(file, """
                [
                  {"instruction": "Say hi", "input": "", "output": "Hi"},
                  {
                    "instruction": 42,
                    "output": "Forty-two"
                  },
                  {"instruction": "Greet", "output": ["Hello"]},
                  {"instruction": "Greet", "input": "", "output": "Hello", "history": [["a"]]}
                ]
                """);
        ReadResult<Conversation> read = DatasetLoader.conversations(file, null);
        assertEquals(1, read.records().size());
        assertEquals(3, read.problems().size(), read.problems().toString());
        assertProblem(read.problems().get(0), 3, "column 'instruction' must be a string, got a number (42)");
        assertProblem(read.problems().get(1), 7, "column 'output' must be a string, got an array");
        assertProblem(read.problems().get(2), 8, "column 'history' item 0 must be a [prompt, response] pair");
    }

    @Test
    void alpacaWithoutPromptOrResponse() throws IOException {
        Path file = write("alpaca.jsonl", "{\"instruction\": \"Say hi\", \"output\": \"Hi\"}",
                "{\"instruction\": \"\", \"input\": \"\", \"output\": \"Hi\"}", "{\"instruction\": \"Say hi\"}",
                "{\"instruction\": \"Say hi\", \"output\": \"\"}");
        ReadResult<Conversation> read = DatasetLoader.conversations(file, DatasetFormat.ALPACA);
        assertEquals(3, read.problems().size(), read.problems().toString());
        assertProblem(read.problems().get(0), 2, "no prompt: columns 'instruction' and 'input' are empty or missing");
        assertProblem(read.problems().get(1), 3, "no response: column 'output' is missing");
        assertProblem(read.problems().get(2), 4, "column 'output' is empty");
    }

    @Test
    void shareGptToolsNotJson() throws IOException {
        Path file = write("glaive.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Yo\"}], \"tools\": \"[]\"}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Yo\"}], \"tools\": \"[{name: f}]\"}");
        ReadResult<Conversation> read = new ShareGptReader().read(file);
        assertEquals(1, read.records().size());
        assertProblem(onlyProblem(read), 2, "column 'tools' is not valid JSON");
    }

    @Test
    void shareGptFunctionCallNotJson() throws IOException {
        Path file = write("glaive.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Yo\"}]}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"function_call\", \"value\": \"call f\"}]}");
        assertProblem(onlyProblem(DatasetLoader.conversations(file, DatasetFormat.SHAREGPT)), 2,
                "conversations[1] (function_call) is not valid JSON");
    }

    @Test
    void shareGptUnknownTagMisplacedTurnAndOddEnd() throws IOException {
        Path file = write("sharegpt.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Yo\"}]}",
                "{\"conversations\": [{\"from\": \"user\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Yo\"}]}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"human\", \"value\": \"Yo\"}]}",
                "{\"conversations\": [{\"from\": \"system\", \"value\": \"S\"}, {\"from\": \"human\", \"value\": \"Hi\"}]}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": 3}, {\"from\": \"gpt\", \"value\": \"Yo\"}]}");
        ReadResult<Conversation> read = DatasetLoader.conversations(file, null);
        assertEquals(1, read.records().size());
        assertEquals(4, read.problems().size(), read.problems().toString());
        assertProblem(read.problems().get(0), 2, "conversations[0].from is 'user', which is not a known tag", "\"tags\"");
        assertProblem(read.problems().get(1), 3, "conversations[1] is a 'human' turn where a 'gpt' or 'function_call' turn belongs");
        assertProblem(read.problems().get(2), 4, "the last turn, conversations[1], is a 'human' turn");
        assertProblem(read.problems().get(3), 5, "conversations[0].value must be a string, got a number (3)");
    }

    @Test
    void emptyText() throws IOException {
        Path file = write("pt.jsonl", "{\"text\": \"A document.\"}", "{\"text\": \"   \"}", "{\"content\": \"elsewhere\"}",
                "{\"text\": 5}");
        ReadResult<Document> read = DatasetLoader.documents(file);
        assertEquals(1, read.records().size());
        assertEquals(3, read.problems().size(), read.problems().toString());
        assertProblem(read.problems().get(0), 2, "empty text: column 'text' is missing or empty");
        assertProblem(read.problems().get(1), 3, "empty text", "(the record has [content])");
        assertProblem(read.problems().get(2), 4, "column 'text' must be a string, got a number (5)");
    }

    @Test
    void jsonArrayReportsTheLineWhereARecordStartsAndStopsAtBrokenJson() throws IOException {
        Path file = dir.resolve("chat.json");
        Files.writeString(file, """
                [
                  {"messages": [{"role": "user", "content": "Hi"},
                                {"role": "assistant", "content": "Hello"}]},
                  "not a record",
                  {
                    "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}]
                  },
                  {"messages": [{"role": "user" "content": "Hi"}]},
                  {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Lost"}]}
                ]
                """);
        ReadResult<Conversation> read = DatasetLoader.conversations(file, null);
        assertEquals(List.of(2, 5), read.records().stream().map(Conversation::line).toList());
        assertEquals(2, read.problems().size(), read.problems().toString());
        assertProblem(read.problems().get(0), 4, "a string, not a JSON object");
        assertProblem(read.problems().get(1), 8, "not valid JSON here", "records after this point were not read");
    }

    @Test
    void fileWithNothingUsableIsAnErrorListingTheProblems() throws IOException {
        Path file = write("bad.jsonl", "{\"messages\": []}", "not json",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");
        DatasetException error = assertThrows(DatasetException.class, () -> DatasetLoader.conversations(file, DatasetFormat.OPENAI));
        assertEquals(3, error.problems().size());
        assertTrue(error.getMessage().contains("has no usable record (3 problems)"), error.getMessage());
        assertTrue(error.getMessage().contains("line 1: the conversation has no messages"), error.getMessage());
        assertTrue(error.getMessage().contains("line 2: the line is not valid JSON"), error.getMessage());
        assertTrue(error.getMessage().contains("line 3: the conversation has no assistant message"), error.getMessage());
    }

    @Test
    void formatThatCannotBeDetectedAsksForIt() throws IOException {
        Path file = write("odd.jsonl", "{\"question\": \"Hi\", \"answer\": \"Yo\"}");
        DatasetException error = assertThrows(DatasetException.class, () -> DatasetLoader.conversations(file, null));
        assertTrue(error.getMessage().contains("cannot tell the format"), error.getMessage());
        assertTrue(error.getMessage().contains("[question, answer]"), error.getMessage());
    }

    @Test
    void missingFileIsAnError() {
        DatasetException error = assertThrows(DatasetException.class,
                () -> DatasetLoader.conversations(dir.resolve("nope.jsonl"), null));
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void customTagsFromDatasetInfo() throws IOException {
        write("chat.json", "[{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"Hi\"},"
                + " {\"role\": \"assistant\", \"content\": \"Yo\"}]}]");
        write(DatasetInfo.FILE_NAME, """
                {"mine": {"file_name": "chat.json", "formatting": "sharegpt",
                  "columns": {"messages": "messages"},
                  "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                           "assistant_tag": "assistant", "system_tag": "system"}}}""");
        ReadResult<Conversation> read = DatasetLoader.conversations(DatasetInfo.read(dir).entry("mine"));
        assertEquals(List.of(), read.problems());
        Conversation only = read.records().getFirst();
        assertEquals("S", only.system());
        assertEquals(List.of(TurnRole.USER, TurnRole.ASSISTANT), only.turns().stream().map(Turn::role).toList());
    }

    @Test
    void remoteDatasetInfoEntryIsRefused() throws IOException {
        write(DatasetInfo.FILE_NAME, "{\"hub\": {\"hf_hub_url\": \"someone/data\"}}");
        DatasetException error = assertThrows(DatasetException.class, () -> DatasetInfo.read(dir).entry("hub"));
        assertTrue(error.getMessage().contains("only local files are supported"), error.getMessage());
    }
}
