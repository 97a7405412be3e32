package dev.lorafoundry.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.training.data.DataProblem;
import dev.lorafoundry.training.data.DatasetColumns;
import dev.lorafoundry.training.data.DatasetEntry;
import dev.lorafoundry.training.data.DatasetException;
import dev.lorafoundry.training.data.DatasetFormat;
import dev.lorafoundry.training.data.DatasetLoader;
import dev.lorafoundry.training.data.JsonRecordFile;
import dev.lorafoundry.training.data.ReadResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A job's data files as the trainer reads them: the same {@link DatasetEntry} when the job is created (to check every
 * record, with line numbers) and when it runs (possibly after a restart).
 */
final class TrainingData {

    static final int PROBLEMS_SHOWN = 10;

    private TrainingData() {}

    /** The format of a file read without columns: what its first record shows. */
    static String detectFormat(Path file) {
        return DatasetLoader.detect(file, JsonRecordFile.read(file)).name().toLowerCase(Locale.ROOT);
    }

    /** The dataset entry for a file, read with the job's formatting, columns and tags (dataset_info.json's meaning). */
    static DatasetEntry entry(String fileId, Path file, JobSettings settings) {
        DatasetColumns columns;
        if (settings.columns() == null && settings.tags() == null) {
            DatasetFormat format = DatasetFormat.parse(settings.formatting());
            columns = format == DatasetFormat.TEXT ? DatasetColumns.defaults(format) : DatasetColumns.standard(format);
        } else {
            ObjectNode info = JsonNodeFactory.instance.objectNode();
            info.put("formatting", settings.formatting());
            if (settings.columns() != null) {
                info.set("columns", settings.columns());
            }
            if (settings.tags() != null) {
                info.set("tags", settings.tags());
            }
            columns = DatasetColumns.fromDatasetInfo(info);
        }
        return new DatasetEntry(fileId, file, columns, false);
    }

    /**
     * Reads every record as the trainer will; a file with any unusable record is refused with the lines at fault.
     *
     * @return the number of usable records (examples for SFT, documents for pre-training)
     */
    static int check(String stage, DatasetEntry entry, String param) {
        ReadResult<?> result;
        try {
            result = stage.equals("pt") ? DatasetLoader.documents(entry) : DatasetLoader.conversations(entry);
        } catch (DatasetException e) {
            throw new InvalidJobRequestException(param, "The file " + entry.name() + " cannot be used for training: "
                    + e.getMessage().replace(entry.file().toString(), entry.name()).replace("\n  ", "; ") + ".");
        }
        if (!result.problems().isEmpty()) {
            List<DataProblem> problems = result.problems();
            String listed = problems.stream().limit(PROBLEMS_SHOWN).map(DataProblem::toString).collect(Collectors.joining("; "));
            throw new InvalidJobRequestException(param, "The file " + entry.name() + " has " + problems.size()
                    + " record(s) the trainer cannot use: " + listed
                    + (problems.size() > PROBLEMS_SHOWN ? "; and " + (problems.size() - PROBLEMS_SHOWN) + " more" : "")
                    + ". Fix " + (problems.size() == 1 ? "this line" : "these lines") + ", upload the file again and"
                    + " create the job with the new file id.");
        }
        return result.records().size();
    }
}
