package dev.lorafoundry.training.data;

/**
 * One pre-training text.
 *
 * @param line the 1-based line of the file where it starts (0 when not read from a file)
 * @param text the text, never empty
 */
public record Document(int line, String text) {

    public Document {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a document needs text");
        }
    }
}
