package dev.lorafoundry.defaultmodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON string quoting for the hand-spaced JSON the generated data holds (Python's json.dumps spacing). */
final class JsonText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {}

    static String quote(String value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }
}
