package dev.lorafoundry.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of one JSON object from a named file, where every problem names the file and the field. */
final class JsonFields {

    private final Path file;
    private final String prefix;
    private final JsonNode node;

    private JsonFields(Path file, String prefix, JsonNode node) {
        this.file = file;
        this.prefix = prefix;
        this.node = node;
    }

    static JsonFields read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + " does not exist; a Hugging Face model folder needs it", e);
        } catch (IOException e) {
            throw new ModelLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException(file + " must contain a JSON object");
        }
        return new JsonFields(file, "", root);
    }

    /** The nested object under a field, or null when the field is absent or null. */
    JsonFields object(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw bad(field, value, "a JSON object");
        }
        return new JsonFields(file, prefix + field + ".", value);
    }

    boolean has(String field) {
        return value(field) != null;
    }

    String requiredString(String field) {
        String value = optionalString(field);
        if (value == null) {
            throw missing(field);
        }
        return value;
    }

    String optionalString(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw bad(field, value, "a string");
        }
        return value.asText();
    }

    int requiredPositiveInt(String field) {
        Integer value = optionalInt(field);
        if (value == null) {
            throw missing(field);
        }
        return positive(field, value);
    }

    int positiveInt(String field, int defaultValue) {
        Integer value = optionalInt(field);
        return value == null ? defaultValue : positive(field, value);
    }

    Integer optionalInt(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        // Some exporters write integral values as 8192.0; accept them when exact.
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (value.isFloatingPointNumber() && value.doubleValue() == Math.rint(value.doubleValue())
                && Math.abs(value.doubleValue()) <= Integer.MAX_VALUE) {
            return (int) value.doubleValue();
        }
        throw bad(field, value, "an integer");
    }

    Double optionalDouble(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw bad(field, value, "a number");
        }
        return value.doubleValue();
    }

    double positiveDouble(String field, double defaultValue) {
        Double value = optionalDouble(field);
        if (value == null) {
            return defaultValue;
        }
        if (!(value > 0) || value.isInfinite()) {
            throw bad(field, value(field), "a positive number");
        }
        return value;
    }

    double requiredPositiveDouble(String field) {
        if (!has(field)) {
            throw missing(field);
        }
        return positiveDouble(field, 0);
    }

    Boolean optionalBoolean(String field) {
        JsonNode value = value(field);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw bad(field, value, "true or false");
        }
        return value.booleanValue();
    }

    /** An int, or a list of ints (as eos_token_id may be); absent -> empty list. */
    List<Integer> intOrIntList(String field) {
        JsonNode value = value(field);
        List<Integer> ids = new ArrayList<>();
        if (value == null) {
            return ids;
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            ids.add(value.intValue());
            return ids;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                    throw bad(field, value, "an integer or a list of integers");
                }
                ids.add(item.intValue());
            }
            return ids;
        }
        throw bad(field, value, "an integer or a list of integers");
    }

    /** The first entry of a required list of strings, such as "architectures". */
    String firstStringOfList(String field) {
        JsonNode value = value(field);
        if (value == null) {
            throw missing(field);
        }
        if (!value.isArray() || value.isEmpty() || !value.get(0).isTextual()) {
            throw bad(field, value, "a list of strings, e.g. [\"LlamaForCausalLM\"]");
        }
        return value.get(0).asText();
    }

    ModelLoadException missing(String field) {
        return new ModelLoadException(file + " is missing the required field \"" + prefix + field + "\"");
    }

    ModelLoadException invalid(String field, String problem) {
        return new ModelLoadException(file + " field \"" + prefix + field + "\" " + problem);
    }

    private ModelLoadException bad(String field, JsonNode value, String expected) {
        return invalid(field, "is " + value + " but must be " + expected);
    }

    private int positive(String field, int value) {
        if (value <= 0) {
            throw invalid(field, "is " + value + " but must be a positive integer");
        }
        return value;
    }

    private JsonNode value(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    Path file() {
        return file;
    }
}
