package dev.lorafoundry.jobs;

/** No job (or event, for an {@code after} cursor) with this id. */
public class UnknownJobException extends RuntimeException {

    private final String id;

    public UnknownJobException(String id) {
        super("No fine-tuning job " + id);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
