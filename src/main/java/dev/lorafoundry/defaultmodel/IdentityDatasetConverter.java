package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.training.data.AlpacaReader;
import dev.lorafoundry.training.data.Conversation;
import dev.lorafoundry.training.data.ReadResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns LLaMA-Factory's identity.json (alpaca records whose answers say {@code {{name}}} and {@code {{author}}}) into
 * OpenAI chat JSONL with both filled in: the data set the README demo uploads to teach the model a new identity.
 */
public final class IdentityDatasetConverter {

    private IdentityDatasetConverter() {}

    /** The converted records, in the source's order. */
    public static List<ObjectNode> convert(Path identityJson, AssistantIdentity identity) {
        ReadResult<Conversation> read = new AlpacaReader().read(identityJson);
        if (!read.problems().isEmpty()) {
            throw new IllegalArgumentException(identityJson + " has records that are not alpaca instruction/output pairs: "
                    + read.problems().subList(0, Math.min(5, read.problems().size())));
        }
        Map<String, String> values = Map.of("name", identity.name(), "author", identity.author());
        List<ObjectNode> records = new ArrayList<>();
        for (Conversation conversation : read.records()) {
            records.add(ChatRecordWriter.record(conversation.withPlaceholders(values)));
        }
        return records;
    }
}
