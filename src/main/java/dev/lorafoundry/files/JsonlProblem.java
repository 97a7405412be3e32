package dev.lorafoundry.files;

/** One line of an uploaded JSONL file that is not acceptable: its 1-based number and why. */
public record JsonlProblem(long line, String reason) {

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
