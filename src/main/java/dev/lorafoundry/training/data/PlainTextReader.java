package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Pre-training text: a .txt file gives one document per non-blank line (as Hugging Face's text loader, which
 * LLaMA-Factory uses, gives one row per line); JSON/JSONL records give the text column(s), joined by a newline when
 * several are mapped (LLaMA-Factory's prompt + query).
 */
public final class PlainTextReader {

    private final List<String> textColumns;

    /** Reads the given columns of JSON records; {@code text} by default. */
    public PlainTextReader(List<String> textColumns) {
        if (textColumns == null || textColumns.isEmpty()) {
            throw new IllegalArgumentException("name at least one text column");
        }
        this.textColumns = List.copyOf(textColumns);
    }

    public PlainTextReader() {
        this(List.of("text"));
    }

    /** The text columns of a dataset_info.json entry: columns.text, else its prompt and query columns. */
    public static PlainTextReader forColumns(DatasetColumns columns) {
        if (columns.text() != null) {
            return new PlainTextReader(List.of(columns.text()));
        }
        List<String> names = new ArrayList<>();
        if (columns.prompt() != null) {
            names.add(columns.prompt());
        }
        if (columns.query() != null) {
            names.add(columns.query());
        }
        return names.isEmpty() ? new PlainTextReader() : new PlainTextReader(names);
    }

    static boolean isTextFile(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt");
    }

    public ReadResult<Document> read(Path file) {
        return isTextFile(file) ? readLines(file) : convert(JsonRecordFile.read(file));
    }

    /** Documents from JSON records already read. */
    public ReadResult<Document> convert(JsonRecords file) {
        List<Document> documents = new ArrayList<>();
        List<DataProblem> problems = new ArrayList<>(file.problems());
        for (JsonRecord record : file.records()) {
            try {
                List<String> parts = new ArrayList<>();
                for (String column : textColumns) {
                    String text = RecordFields.optionalString(record.value(), column);
                    if (text != null && !text.isEmpty()) {
                        parts.add(text);
                    }
                }
                String text = String.join("\n", parts);
                if (text.isBlank()) {
                    throw new BadRecordException("empty text: " + (textColumns.size() == 1 ? "column '" + textColumns.getFirst()
                            + "' is" : "columns " + textColumns + " are") + " missing or empty" + otherKeys(record.value()));
                }
                documents.add(new Document(record.line(), text));
            } catch (BadRecordException e) {
                problems.add(new DataProblem(record.line(), e.getMessage()));
            }
        }
        problems.sort(Comparator.comparingInt(DataProblem::line));
        return new ReadResult<>(documents, problems);
    }

    private String otherKeys(JsonNode record) {
        List<String> keys = new ArrayList<>();
        record.fieldNames().forEachRemaining(keys::add);
        keys.removeAll(textColumns);
        return keys.isEmpty() ? "" : " (the record has " + keys + ")";
    }

    private static ReadResult<Document> readLines(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("data file " + file + " does not exist or is not a file");
        }
        List<Document> documents = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (!text.isBlank()) {
                    documents.add(new Document(line, text));
                }
            }
        } catch (MalformedInputException e) {
            throw new DatasetException("data file " + file + " is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new DatasetException("data file " + file + " cannot be read: " + e.getMessage());
        }
        return new ReadResult<>(documents, List.of());
    }
}
