package dev.lorafoundry.training.data;

import java.nio.file.Path;

/**
 * One dataset of a dataset_info.json.
 *
 * @param name    its key in dataset_info.json
 * @param file    the data file (file_name resolved against the folder of dataset_info.json)
 * @param columns its formatting, columns and tags
 * @param ranking whether it is preference data (chosen/rejected), which SFT and pre-training cannot use
 */
public record DatasetEntry(String name, Path file, DatasetColumns columns, boolean ranking) {}
