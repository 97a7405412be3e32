package dev.lorafoundry.training.data;

import java.util.List;

/** A data file (or dataset_info.json entry) that cannot be used at all; lists the first problems found. */
public final class DatasetException extends RuntimeException {

    static final int PROBLEMS_SHOWN = 10;

    private final List<DataProblem> problems;

    public DatasetException(String message) {
        this(message, List.of());
    }

    public DatasetException(String message, List<DataProblem> problems) {
        super(message + describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found (the message shows the first {@value #PROBLEMS_SHOWN}). */
    public List<DataProblem> problems() {
        return problems;
    }

    private static String describe(List<DataProblem> problems) {
        if (problems.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        problems.stream().limit(PROBLEMS_SHOWN).forEach(p -> text.append("\n  ").append(p));
        if (problems.size() > PROBLEMS_SHOWN) {
            text.append("\n  ... and ").append(problems.size() - PROBLEMS_SHOWN).append(" more");
        }
        return text.toString();
    }
}
