package dev.lorafoundry.training.data;

import dev.lorafoundry.toolcall.ToolCall;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every SFT and pre-training sample LLaMA-Factory ships (../shared/data/llamafactory) loads with zero problems, both
 * through its dataset_info.json entry and as a bare file. Expected counts were taken with Python's json module.
 */
class LlamaFactorySamplesTest {

    static final Path DIR = Path.of("../shared/data/llamafactory");
    static final DatasetInfo INFO = DatasetInfo.read(DIR);

    @Test
    void alpacaDemoLoadsAllRecords() {
        ReadResult<Conversation> read = DatasetLoader.conversations(INFO.entry("alpaca_en_demo"));
        assertEquals(List.of(), read.problems());
        assertEquals(999, read.records().size());
        Conversation first = read.records().getFirst();
        assertEquals(2, first.line()); // the array opens on line 1, the first record on line 2
        assertEquals(List.of(TurnRole.USER, TurnRole.ASSISTANT), first.turns().stream().map(Turn::role).toList());
        assertEquals("Describe a process of making crepes.", first.turns().getFirst().content());
        assertTrue(first.turns().get(1).content().startsWith("Making crepes is an easy and delicious process!"));
        assertEquals(999, DatasetLoader.conversations(DIR.resolve("alpaca_en_demo.json"), null).records().size());
    }

    @Test
    void identityFillsItsPlaceholders() {
        ReadResult<Conversation> read = DatasetLoader.conversations(INFO.entry("identity"));
        assertEquals(List.of(), read.problems());
        assertEquals(91, read.records().size());
        Map<String, String> names = Map.of("name", "Foundry", "author", "LoRA Foundry");
        for (Conversation conversation : read.records()) {
            Conversation filled = conversation.withPlaceholders(names);
            for (Turn turn : filled.turns()) {
                assertFalse(turn.content().contains("{{"), turn.content());
            }
        }
        assertEquals("Hello! I am Foundry, an AI assistant developed by LoRA Foundry. How can I assist you today?",
                read.records().getFirst().withPlaceholders(names).turns().get(1).content());
    }

    @Test
    void glaiveToolCallsBecomeAssistantCallsAndToolResults() {
        ReadResult<Conversation> read = DatasetLoader.conversations(INFO.entry("glaive_toolcall_en_demo"));
        assertEquals(List.of(), read.problems());
        assertEquals(300, read.records().size());
        long calls = read.records().stream().flatMap(c -> c.turns().stream()).mapToLong(t -> t.toolCalls().size()).sum();
        long results = read.records().stream().flatMap(c -> c.turns().stream()).filter(t -> t.role() == TurnRole.TOOL).count();
        long withTools = read.records().stream().filter(c -> c.toolsJson() != null).count();
        assertEquals(211, calls);
        assertEquals(211, results);
        assertEquals(300 - 109, withTools); // 109 records have "tools": "[]"

        Conversation first = read.records().getFirst();
        Turn call = first.turns().get(3);
        assertEquals(TurnRole.ASSISTANT, call.role());
        assertEquals("", call.content());
        ToolCall only = call.toolCalls().getFirst();
        assertEquals("search_recipes", only.name());
        assertEquals("{\"ingredients\":[\"chicken\",\"bell peppers\",\"rice\"]}", only.argumentsJson());
        assertEquals(TurnRole.TOOL, first.turns().get(4).role());
        assertTrue(first.toolsJson().startsWith("[{\"type\":\"function\",\"function\":{\"name\":\"search_recipes\""),
                first.toolsJson());
        assertEquals(300, DatasetLoader.conversations(DIR.resolve("glaive_toolcall_en_demo.json"), null).records().size());
    }

    @Test
    void c4DemoLoadsAsDocuments() {
        ReadResult<Document> read = DatasetLoader.documents(INFO.entry("c4_demo"));
        assertEquals(List.of(), read.problems());
        assertEquals(300, read.records().size());
        assertEquals(1, read.records().getFirst().line());
        assertEquals(300, read.records().getLast().line());
        assertTrue(read.records().getFirst().text().startsWith("Don’t think you need all the bells and whistles?"));
        assertEquals(300, DatasetLoader.documents(DIR.resolve("c4_demo.jsonl")).records().size());
    }

    @Test
    void wikiDemoGivesOneDocumentPerLine() {
        ReadResult<Document> read = DatasetLoader.documents(INFO.entry("wiki_demo"));
        assertEquals(List.of(), read.problems());
        assertEquals(30, read.records().size());
        assertEquals(43790, read.records().getFirst().text().length());
        assertEquals(50673, read.records().getLast().text().length());
        assertEquals(30, read.records().getLast().line());
    }

    @Test
    void preferenceDataIsRefusedForSftAndPretraining() {
        DatasetException sft = assertThrows(DatasetException.class, () -> DatasetLoader.conversations(INFO.entry("dpo_en_demo")));
        assertTrue(sft.getMessage().contains("'dpo_en_demo' is preference data"), sft.getMessage());
        assertThrows(DatasetException.class, () -> DatasetLoader.documents(INFO.entry("dpo_en_demo")));
    }

    @Test
    void textDataIsRefusedForSft() {
        DatasetException error = assertThrows(DatasetException.class, () -> DatasetLoader.conversations(INFO.entry("wiki_demo")));
        assertTrue(error.getMessage().contains("pre-training text"), error.getMessage());
    }

    @Test
    void columnsFollowLlamaFactoryDefaults() {
        DatasetColumns alpaca = INFO.entry("alpaca_en_demo").columns();
        assertEquals(DatasetFormat.ALPACA, alpaca.formatting());
        assertEquals("instruction", alpaca.prompt());
        assertEquals("input", alpaca.query());
        assertEquals("output", alpaca.response());
        assertNull(alpaca.history());
        DatasetColumns glaive = INFO.entry("glaive_toolcall_en_demo").columns();
        assertEquals(DatasetFormat.SHAREGPT, glaive.formatting());
        assertEquals("conversations", glaive.messages());
        assertEquals("tools", glaive.tools());
        assertNull(glaive.system()); // "columns" given: unnamed columns are unmapped, as in LLaMA-Factory
        assertEquals("from", glaive.roleTag());
        assertEquals("function_call", glaive.functionTag());
        DatasetColumns c4 = INFO.entry("c4_demo").columns();
        assertEquals("text", c4.prompt());
        assertNull(c4.query());
        assertNull(c4.response());
    }

    @Test
    void unknownDatasetNameListsTheKnownOnes() {
        DatasetException error = assertThrows(DatasetException.class, () -> INFO.entry("alpaca_zh"));
        assertTrue(error.getMessage().contains("'alpaca_zh' is not described"), error.getMessage());
        assertTrue(error.getMessage().contains("glaive_toolcall_en_demo"), error.getMessage());
    }
}
