package dev.lorafoundry.files;

/** A file id that names no stored file (never uploaded, or deleted). */
public class UnknownFileException extends RuntimeException {

    private final String id;

    public UnknownFileException(String id) {
        super("No such file: " + id);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
