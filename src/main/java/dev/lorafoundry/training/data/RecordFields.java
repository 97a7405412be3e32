package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed access to a record's columns; a wrong type is a {@link BadRecordException} naming the column. */
final class RecordFields {

    private RecordFields() {}

    /** The string in column, or null when the column is unmapped, absent or JSON null. */
    static String optionalString(JsonNode record, String column) {
        if (column == null) {
            return null;
        }
        JsonNode value = record.get(column);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRecordException("column '" + column + "' must be a string, got " + typeName(value));
        }
        return value.asText();
    }

    /** The array in column, or null when the column is unmapped, absent or JSON null. */
    static JsonNode optionalArray(JsonNode record, String column, String what) {
        if (column == null) {
            return null;
        }
        JsonNode value = record.get(column);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new BadRecordException("column '" + column + "' must be " + what + ", got " + typeName(value));
        }
        return value;
    }

    static String typeName(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number (" + value.asText() + ")";
            case BOOLEAN -> "a boolean (" + value.asText() + ")";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase();
        };
    }
}
