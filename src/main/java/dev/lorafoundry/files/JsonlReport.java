package dev.lorafoundry.files;

import java.util.List;

/**
 * What {@link JsonlValidator} found: how many records it read and the first problems (in line order).
 * {@code moreProblems} is true when it stopped listing problems before the end of the file.
 */
public record JsonlReport(long records, List<JsonlProblem> problems, boolean moreProblems) {

    public boolean valid() {
        return problems.isEmpty() && records > 0;
    }
}
