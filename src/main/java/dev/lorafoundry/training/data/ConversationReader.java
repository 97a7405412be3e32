package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads supervised conversations from a JSON/JSONL file, one record at a time: a record that cannot be used becomes a
 * {@link DataProblem} with its line, the others become {@link Conversation}s.
 */
public abstract class ConversationReader {

    protected final DatasetColumns columns;

    protected ConversationReader(DatasetColumns columns) {
        this.columns = columns;
    }

    /** Reads the file; it is the caller's choice what to do when nothing is usable (see {@link DatasetLoader}). */
    public ReadResult<Conversation> read(Path file) {
        return convert(JsonRecordFile.read(file));
    }

    /** Converts records already read (the file's own problems are kept, in line order). */
    public ReadResult<Conversation> convert(JsonRecords file) {
        List<Conversation> conversations = new ArrayList<>();
        List<DataProblem> problems = new ArrayList<>(file.problems());
        for (JsonRecord record : file.records()) {
            try {
                Conversation conversation = toConversation(record);
                String unusable = conversation.unusableReason();
                if (unusable != null) {
                    problems.add(new DataProblem(record.line(), unusable));
                } else {
                    conversations.add(conversation);
                }
            } catch (BadRecordException e) {
                problems.add(new DataProblem(record.line(), e.getMessage()));
            }
        }
        problems.sort(Comparator.comparingInt(DataProblem::line));
        return new ReadResult<>(conversations, problems);
    }

    /** One record as a conversation, or a {@link BadRecordException} saying what is wrong with it. */
    protected abstract Conversation toConversation(JsonRecord record);

    /** The tools column: a JSON string (sharegpt, alpaca) or an array (OpenAI), normalised; null when absent. */
    protected String tools(JsonNode record) {
        if (columns.tools() == null) {
            return null;
        }
        JsonNode value = record.get(columns.tools());
        try {
            if (value == null || value.isNull()) {
                return null;
            }
            return value.isTextual() ? ToolDefinitions.normalise(value.asText()) : ToolDefinitions.normalise(value);
        } catch (IllegalArgumentException e) {
            throw new BadRecordException("column '" + columns.tools() + "' " + e.getMessage());
        }
    }
}
