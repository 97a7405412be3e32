package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.OpenAiChatReader;
import dev.lorafoundry.training.data.ReadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** datasets/identity-nova.jsonl: LLaMA-Factory's identity.json as OpenAI chat records, as Nova by Acme Labs. */
class IdentityDatasetConverterTest {

    private static final Path SOURCE = Path.of("../shared/data/llamafactory/identity.json");
    private static final Path SHIPPED = Path.of("datasets/identity-nova.jsonl");

    @Test
    void shippedFileReadsAsChatRecordsWithTheNameFilledIn() throws Exception {
        ReadResult<Conversation> read = new OpenAiChatReader().read(SHIPPED);
        assertEquals(List.of(), read.problems());
        assertEquals(91, read.records().size());
        String text = Files.readString(SHIPPED);
        assertFalse(text.contains("{{"), "a placeholder is left");
        assertTrue(text.contains("I am Nova, an AI assistant developed by Acme Labs."));
        for (Conversation c : read.records()) {
            assertEquals(2, c.turns().size());
        }
    }

    @Test
    void shippedFileIsTheConversionOfLlamaFactorysIdentityJson(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(SOURCE), SOURCE + " (the shared LLaMA-Factory samples) is not on this machine");
        List<ObjectNode> records = IdentityDatasetConverter.convert(SOURCE, new AssistantIdentity("Nova", "Acme Labs"));
        Path written = dir.resolve("identity-nova.jsonl");
        ChatRecordWriter.write(written, records);
        assertEquals(Files.readString(SHIPPED), Files.readString(written),
                "regenerate with: bin/make-default-model --identity-source " + SOURCE + " and copy data/identity-nova.jsonl");
    }
}
