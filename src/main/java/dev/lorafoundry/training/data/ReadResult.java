package dev.lorafoundry.training.data;

import java.util.List;

/**
 * What a reader got from a file: the usable records and one problem per record it had to skip.
 *
 * @param records  usable records, in file order
 * @param problems skipped records, in file order
 */
public record ReadResult<T>(List<T> records, List<DataProblem> problems) {

    public ReadResult {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }
}
