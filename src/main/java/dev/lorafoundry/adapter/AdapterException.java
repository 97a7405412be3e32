package dev.lorafoundry.adapter;

/** A request about adapters that cannot be honoured: which adapter or field, and what to do about it. */
public class AdapterException extends RuntimeException {

    /** What went wrong, which decides the HTTP status. */
    public enum Kind { NOT_FOUND, CONFLICT, INVALID, TOO_LARGE }

    private final Kind kind;
    private final String param;

    public AdapterException(Kind kind, String param, String message) {
        super(message);
        this.kind = kind;
        this.param = param;
    }

    public Kind kind() {
        return kind;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    public static AdapterException notFound(String name) {
        return new AdapterException(Kind.NOT_FOUND, "lora_name", "No adapter named '" + name
                + "' is registered; GET /v1/adapters lists them");
    }
}
