package dev.lorafoundry.training.data;

/**
 * A record of a data file that could not be used, and why.
 *
 * @param line   the 1-based line where the record starts (JSONL: its line; JSON array: the line of its opening brace)
 * @param reason what is wrong, naming the field, so the user can fix it
 */
public record DataProblem(int line, String reason) {

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
