package dev.lorafoundry.training.data;

import java.util.List;

/**
 * The JSON objects of a data file, plus the lines that were not JSON objects.
 *
 * @param records  the objects, in file order
 * @param problems lines that could not be parsed or were not objects
 */
public record JsonRecords(List<JsonRecord> records, List<DataProblem> problems) {

    public JsonRecords {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }
}
