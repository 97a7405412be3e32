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

/**
 * The README demo's identity data set, datasets/identity-nova.jsonl: the default model's identity questions answered as
 * Nova by Acme Labs, as the pipeline writes it; and LLaMA-Factory's identity.json converted with the same name filled in.
 */
class IdentityDatasetConverterTest {

    private static final Path SOURCE = Path.of("../shared/data/llamafactory/identity.json");
    private static final Path SHIPPED = Path.of("datasets/identity-nova.jsonl");
    private static final AssistantIdentity NOVA = new AssistantIdentity("Nova", "Acme Labs");

    @Test
    void shippedFileIsThePipelinesIdentityDataSet(@TempDir Path dir) throws Exception {
        ReadResult<Conversation> read = new OpenAiChatReader().read(SHIPPED);
        assertEquals(List.of(), read.problems());
        String text = Files.readString(SHIPPED);
        assertTrue(text.contains("\"Who are you?\"},{\"role\":\"assistant\",\"content\":\"I am Nova, a small AI assistant"
                + " made by Acme Labs.\""), text);
        assertFalse(text.contains("Foundry"), "the default model's own name is left in");
        Path written = dir.resolve("identity-nova.jsonl");
        ChatRecordWriter.write(written, new ConversationGenerator(new PlainAnswers(NOVA)).identityConversations()
                .stream().map(ChatRecordWriter::record).toList());
        assertEquals(Files.readString(written), text,
                "regenerate with: bin/make-default-model --data-only true and copy data/identity-nova.jsonl");
    }

    @Test
    void llamaFactorysIdentityJsonConvertsWithTheNameFilledIn(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(SOURCE), SOURCE + " (the shared LLaMA-Factory samples) is not on this machine");
        Path written = dir.resolve("identity-nova-llamafactory.jsonl");
        ChatRecordWriter.write(written, IdentityDatasetConverter.convert(SOURCE, NOVA));
        ReadResult<Conversation> read = new OpenAiChatReader().read(written);
        assertEquals(List.of(), read.problems());
        assertEquals(91, read.records().size());
        String text = Files.readString(written);
        assertFalse(text.contains("{{"), "a placeholder is left");
        assertTrue(text.contains("I am Nova, an AI assistant developed by Acme Labs."));
        for (Conversation c : read.records()) {
            assertEquals(2, c.turns().size());
        }
    }
}
