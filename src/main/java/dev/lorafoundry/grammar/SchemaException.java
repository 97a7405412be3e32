package dev.lorafoundry.grammar;

/** A JSON schema we cannot enforce or that is invalid; the message names the schema path (HTTP 400). */
public class SchemaException extends RuntimeException {

    private final String path;

    public SchemaException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** JSON-pointer-like location in the schema, e.g. {@code /properties/unit/enum}. */
    public String path() {
        return path;
    }
}
