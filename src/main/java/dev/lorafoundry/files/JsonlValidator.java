package dev.lorafoundry.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Checks an uploaded JSONL file line by line: every non-blank line must be one JSON object, and for fine-tuning it
 * must also look like a training record in one of the formats we read (OpenAI chat or DPO, alpaca, sharegpt, plain
 * text). Reports the first {@value #MAX_PROBLEMS} problems with 1-based line numbers so users can fix them all at once.
 * The format check is deliberately shallow: the dataset readers check each format in depth when a job starts.
 */
public final class JsonlValidator {

    public static final int MAX_PROBLEMS = 10;
    private static final int CHUNK = 1 << 16;
    private static final ObjectReader READER = new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Returns why an object is not acceptable, or null when it is. */
    private final Function<JsonNode, String> recordCheck;

    private JsonlValidator(Function<JsonNode, String> recordCheck) {
        this.recordCheck = recordCheck;
    }

    /** Every non-blank line a JSON object; nothing more. */
    public static JsonlValidator jsonObjects() {
        return new JsonlValidator(record -> null);
    }

    /** JSON objects that also look like fine-tuning records. */
    public static JsonlValidator fineTuning() {
        return new JsonlValidator(JsonlValidator::fineTuningShapeProblem);
    }

    public JsonlReport validate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return validate(in);
        }
    }

    public JsonlReport validate(InputStream in) throws IOException {
        Tally tally = new Tally();
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[1024];
        int lineLength = 0;
        for (int read; (read = in.read(chunk)) >= 0; ) {
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (chunk[i] == '\n') {
                    line = append(line, lineLength, chunk, start, i - start);
                    lineLength += i - start;
                    start = i + 1;
                    if (!tally.add(checkLine(line, lineLength, tally.lines == 0), isBlank(line, lineLength))) {
                        return tally.report(true);
                    }
                    lineLength = 0;
                }
            }
            line = append(line, lineLength, chunk, start, read - start);
            lineLength += read - start;
        }
        if (lineLength > 0 && !tally.add(checkLine(line, lineLength, tally.lines == 0), isBlank(line, lineLength))) {
            return tally.report(true);
        }
        return tally.report(false);
    }

    /** Counts lines and records and keeps the first problems. */
    private static final class Tally {
        long lines;
        long records;
        final List<JsonlProblem> problems = new ArrayList<>();

        /** Records one line's outcome; false once a problem beyond the listed ones shows up. */
        boolean add(String problem, boolean blank) {
            lines++;
            if (problem == null) {
                records += blank ? 0 : 1;
                return true;
            }
            if (problems.size() == MAX_PROBLEMS) {
                return false;
            }
            problems.add(new JsonlProblem(lines, problem));
            return true;
        }

        JsonlReport report(boolean moreProblems) {
            return new JsonlReport(records, List.copyOf(problems), moreProblems);
        }
    }

    /** Why the line is not acceptable, or null (blank lines are acceptable and skipped). */
    private String checkLine(byte[] line, int length, boolean first) {
        int from = first && startsWithBom(line, length) ? 3 : 0;
        if (isBlank(line, length)) {
            return null;
        }
        JsonNode node;
        try {
            node = READER.readTree(line, from, length - from);
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + e.getOriginalMessage() + " (column " + e.getLocation().getColumnNr() + ")";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
        if (!node.isObject()) {
            String hint = node.isArray() ? " (a JSON array: write one record per line instead)" : "";
            return "expected a JSON object, found " + node.getNodeType().toString().toLowerCase() + hint;
        }
        return recordCheck.apply(node);
    }

    /** A light check that the object is a training record: which format exactly is for the dataset readers. */
    static String fineTuningShapeProblem(JsonNode record) {
        if (record.has("messages")) {
            return nonEmptyArray(record, "messages");
        }
        if (record.has("conversations")) {
            return nonEmptyArray(record, "conversations");
        }
        if (record.has("preferred_output") || record.has("non_preferred_output")) {
            return hasAll(record, "input", "preferred_output", "non_preferred_output") ? null
                    : "an OpenAI preference record needs 'input', 'preferred_output' and 'non_preferred_output'";
        }
        if (record.has("prompt") || record.has("completion")) {
            return hasAll(record, "prompt", "completion") ? null : "a prompt/completion record needs both 'prompt' and 'completion'";
        }
        if (record.has("instruction")) {
            return record.has("output") || hasAll(record, "chosen", "rejected") ? null
                    : "an alpaca record needs 'output' (or 'chosen' and 'rejected') beside 'instruction'";
        }
        if (record.has("text")) {
            return record.get("text").isTextual() ? null : "'text' must be a string";
        }
        List<String> keys = new ArrayList<>();
        record.fieldNames().forEachRemaining(keys::add);
        return "not a fine-tuning record: expected 'messages' (OpenAI chat), 'input'/'preferred_output'/'non_preferred_output'"
                + " (OpenAI DPO), 'prompt'/'completion', 'instruction'/'output' (alpaca), 'conversations' (sharegpt) or 'text';"
                + " found keys " + keys;
    }

    private static String nonEmptyArray(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value.isArray() && !value.isEmpty() ? null : "'" + field + "' must be a non-empty array";
    }

    private static boolean hasAll(JsonNode record, String... fields) {
        return Arrays.stream(fields).allMatch(record::hasNonNull);
    }

    private static boolean startsWithBom(byte[] line, int length) {
        return length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF;
    }

    private static boolean isBlank(byte[] line, int length) {
        int from = startsWithBom(line, length) ? 3 : 0;
        for (int i = from; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static byte[] append(byte[] line, int length, byte[] source, int from, int count) {
        if (count <= 0) {
            return line;
        }
        byte[] target = line;
        if (length + count > line.length) {
            target = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(source, from, target, length, count);
        return target;
    }
}
