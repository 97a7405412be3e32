package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a training data file with the right reader: from an explicit format, a dataset_info.json entry, or, for a bare
 * file, the format its first record shows (messages: openai, conversations: sharegpt, instruction: alpaca, text: text).
 * A file with no usable record is a {@link DatasetException}; otherwise the problems come back with the records.
 */
public final class DatasetLoader {

    private DatasetLoader() {}

    /** Supervised conversations from a file; format null means detect it. */
    public static ReadResult<Conversation> conversations(Path file, DatasetFormat format) {
        if (PlainTextReader.isTextFile(file)) {
            throw new DatasetException(file + " is plain text, which is pre-training data; supervised fine-tuning "
                    + "needs conversations (openai, alpaca or sharegpt records)");
        }
        JsonRecords records = JsonRecordFile.read(file);
        DatasetFormat chosen = format != null ? format : detect(file, records);
        if (chosen == DatasetFormat.TEXT) {
            throw new DatasetException(file + " holds text records, which are pre-training data; supervised "
                    + "fine-tuning needs conversations (openai, alpaca or sharegpt records)");
        }
        return usable(file, reader(DatasetColumns.standard(chosen)).convert(records));
    }

    /** Supervised conversations of a dataset_info.json entry, read with its columns and tags. */
    public static ReadResult<Conversation> conversations(DatasetEntry entry) {
        refuseRanking(entry);
        DatasetColumns columns = entry.columns();
        if (columns.formatting() == DatasetFormat.TEXT || PlainTextReader.isTextFile(entry.file())) {
            throw new DatasetException("dataset '" + entry.name() + "' (" + entry.file().getFileName()
                    + ") is pre-training text; supervised fine-tuning needs conversations");
        }
        return usable(entry.file(), reader(columns).read(entry.file()));
    }

    /** Pre-training documents from a .txt file or {"text": ...} records. */
    public static ReadResult<Document> documents(Path file) {
        return usable(file, new PlainTextReader().read(file));
    }

    /**
     * Pre-training documents of a dataset_info.json entry: its text column, or (LLaMA-Factory's way, e.g. c4_demo's
     * {"prompt": "text"}) its prompt and query columns.
     */
    public static ReadResult<Document> documents(DatasetEntry entry) {
        refuseRanking(entry);
        return usable(entry.file(), PlainTextReader.forColumns(entry.columns()).read(entry.file()));
    }

    /** The format a bare file's first record shows; a record that shows none is an error asking for the format. */
    public static DatasetFormat detect(Path file, JsonRecords records) {
        if (records.records().isEmpty()) {
            throw new DatasetException(file + " has no JSON object records", records.problems());
        }
        JsonNode first = records.records().getFirst().value();
        if (first.has("messages")) {
            return DatasetFormat.OPENAI;
        }
        if (first.has("conversations")) {
            return DatasetFormat.SHAREGPT;
        }
        if (first.has("instruction")) {
            return DatasetFormat.ALPACA;
        }
        if (first.has("text")) {
            return DatasetFormat.TEXT;
        }
        List<String> keys = new ArrayList<>();
        first.fieldNames().forEachRemaining(keys::add);
        throw new DatasetException("cannot tell the format of " + file + " from its first record (line "
                + records.records().getFirst().line() + ", keys " + keys + "); expected 'messages' (openai), "
                + "'conversations' (sharegpt), 'instruction' (alpaca) or 'text'; name the format or describe the file "
                + "in a dataset_info.json");
    }

    private static ConversationReader reader(DatasetColumns columns) {
        return switch (columns.formatting()) {
            case OPENAI -> new OpenAiChatReader(columns);
            case ALPACA -> new AlpacaReader(columns);
            case SHAREGPT -> new ShareGptReader(columns);
            case TEXT -> throw new IllegalStateException("text is read by PlainTextReader");
        };
    }

    private static void refuseRanking(DatasetEntry entry) {
        if (entry.ranking()) {
            throw new DatasetException("dataset '" + entry.name() + "' is preference data (\"ranking\": true); "
                    + "supervised fine-tuning and pre-training cannot use it");
        }
    }

    private static <T> ReadResult<T> usable(Path file, ReadResult<T> result) {
        if (result.records().isEmpty()) {
            throw new DatasetException(file + " has no usable record (" + result.problems().size() + " problem"
                    + (result.problems().size() == 1 ? "" : "s") + ")", result.problems());
        }
        return result;
    }
}
