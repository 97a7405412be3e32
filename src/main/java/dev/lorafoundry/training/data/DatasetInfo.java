package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A LLaMA-Factory dataset_info.json: datasets by name, each a local file with its column mapping. */
public final class DatasetInfo {

    public static final String FILE_NAME = "dataset_info.json";

    private final Path file;
    private final JsonNode root;

    private DatasetInfo(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads dataset_info.json from a folder (or the file itself). */
    public static DatasetInfo read(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(file + " does not exist; a dataset folder needs a " + FILE_NAME
                    + " describing its files (see LLaMA-Factory's data/README.md)");
        }
        JsonNode root;
        try {
            root = JsonRecordFile.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetException(file + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException(file + " must hold a JSON object mapping dataset names to their descriptions");
        }
        return new DatasetInfo(file, root);
    }

    /** The dataset names, in file order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The named dataset; unknown names and remote (hub, script) datasets are errors. */
    public DatasetEntry entry(String name) {
        JsonNode entry = root.get(name);
        if (entry == null || !entry.isObject()) {
            throw new DatasetException("dataset '" + name + "' is not described in " + file + "; it describes " + names());
        }
        for (String remote : new String[] {"hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name"}) {
            if (entry.has(remote) && !entry.has("file_name")) {
                throw new DatasetException("dataset '" + name + "' in " + file + " is loaded from '" + remote
                        + "'; only local files are supported: download it and set \"file_name\"");
            }
        }
        JsonNode fileName = entry.get("file_name");
        if (fileName == null || !fileName.isTextual() || fileName.asText().isBlank()) {
            throw new DatasetException("dataset '" + name + "' in " + file + " has no \"file_name\"");
        }
        Path data = file.toAbsolutePath().getParent().resolve(fileName.asText());
        return new DatasetEntry(name, data, DatasetColumns.fromDatasetInfo(entry), entry.path("ranking").asBoolean(false));
    }
}
