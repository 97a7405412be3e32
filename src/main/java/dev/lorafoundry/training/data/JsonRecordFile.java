package dev.lorafoundry.training.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a .json file (an array of objects, or JSON lines as Hugging Face datasets also accepts) or a
 * .jsonl file, keeping each record's line number.
 */
public final class JsonRecordFile {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonRecordFile() {}

    /** Every record of the file; a missing or unreadable file is a {@link DatasetException}. */
    public static JsonRecords read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new DatasetException("data file " + file + " does not exist or is not a file");
        }
        try {
            return startsWithArray(file) ? readArray(file) : readLines(file);
        } catch (MalformedInputException e) {
            throw new DatasetException("data file " + file + " is not UTF-8 text; save it as UTF-8");
        } catch (IOException e) {
            throw new DatasetException("data file " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static boolean startsWithArray(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            while ((c = reader.read()) != -1) {
                if (c == '\uFEFF' || Character.isWhitespace(c)) {
                    continue;
                }
                return c == '[';
            }
            return false;
        }
    }

    private static JsonRecords readLines(Path file) throws IOException {
        List<JsonRecord> records = new ArrayList<>();
        List<DataProblem> problems = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = JSON.readTree(text);
                    if (node != null && node.isObject()) {
                        records.add(new JsonRecord(line, node));
                    } else {
                        problems.add(new DataProblem(line, "the line is " + kind(node) + ", not a JSON object"));
                    }
                } catch (JsonProcessingException e) {
                    problems.add(new DataProblem(line, "the line is not valid JSON (" + e.getOriginalMessage()
                            + " at column " + e.getLocation().getColumnNr() + ")"));
                }
            }
        }
        return new JsonRecords(records, problems);
    }

    private static JsonRecords readArray(Path file) throws IOException {
        List<JsonRecord> records = new ArrayList<>();
        List<DataProblem> problems = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            try {
                parser.nextToken(); // the opening '['
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == null) {
                        throw new DatasetException("data file " + file + " ends before its JSON array is closed; "
                                + "the file may be cut short");
                    }
                    int line = parser.currentTokenLocation().getLineNr();
                    JsonNode node = JSON.readTree(parser);
                    if (node != null && node.isObject()) {
                        records.add(new JsonRecord(line, node));
                    } else {
                        problems.add(new DataProblem(line, "the array element is " + kind(node) + ", not a JSON object"));
                    }
                }
            } catch (JsonProcessingException e) {
                // JSON cannot resynchronise inside an array: what follows the error is lost, and the user must know.
                JsonLocation at = e.getLocation();
                int line = at == null ? 0 : at.getLineNr();
                problems.add(new DataProblem(line, "the file is not valid JSON here (" + e.getOriginalMessage()
                        + (at == null ? "" : " at column " + at.getColumnNr())
                        + "); the records after this point were not read"));
            }
        }
        return new JsonRecords(records, problems);
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> node.getNodeType().name().toLowerCase();
        };
    }
}
