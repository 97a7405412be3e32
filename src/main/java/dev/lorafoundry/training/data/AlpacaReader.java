package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * LLaMA-Factory's alpaca format: the user turn is prompt and query joined by a newline, the response is the answer,
 * history holds earlier [prompt, response] pairs.
 */
public final class AlpacaReader extends ConversationReader {

    public AlpacaReader(DatasetColumns columns) {
        super(columns);
    }

    public AlpacaReader() {
        this(DatasetColumns.standard(DatasetFormat.ALPACA));
    }

    @Override
    protected Conversation toConversation(JsonRecord record) {
        JsonNode node = record.value();
        List<Turn> turns = new ArrayList<>();
        JsonNode history = RecordFields.optionalArray(node, columns.history(), "a list of [prompt, response] pairs");
        if (history != null) {
            for (int i = 0; i < history.size(); i++) {
                JsonNode pair = history.get(i);
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new BadRecordException("column '" + columns.history() + "' item " + i
                            + " must be a [prompt, response] pair of strings, got " + pair);
                }
                turns.add(Turn.user(pair.get(0).asText()));
                turns.add(Turn.assistant(pair.get(1).asText()));
            }
        }
        List<String> query = new ArrayList<>();
        for (String column : new String[] {columns.prompt(), columns.query()}) {
            String text = RecordFields.optionalString(node, column);
            if (text != null && !text.isEmpty()) {
                query.add(text);
            }
        }
        if (query.isEmpty()) {
            throw new BadRecordException("no prompt: " + describe(columns.prompt(), columns.query()) + " empty or missing");
        }
        turns.add(Turn.user(String.join("\n", query)));
        String response = RecordFields.optionalString(node, columns.response());
        if (response == null) {
            throw new BadRecordException(columns.response() == null
                    ? "no response column is mapped; set columns.response in dataset_info.json"
                    : "no response: column '" + columns.response() + "' is missing");
        }
        if (response.isEmpty()) {
            throw new BadRecordException("column '" + columns.response() + "' is empty; there is nothing to learn");
        }
        turns.add(Turn.assistant(response));
        return new Conversation(record.line(), RecordFields.optionalString(node, columns.system()), tools(node), turns);
    }

    private static String describe(String prompt, String query) {
        if (prompt == null && query == null) {
            return "no prompt or query column is mapped, so they are";
        }
        if (prompt == null || query == null) {
            return "column '" + (prompt == null ? query : prompt) + "' is";
        }
        return "columns '" + prompt + "' and '" + query + "' are";
    }
}
