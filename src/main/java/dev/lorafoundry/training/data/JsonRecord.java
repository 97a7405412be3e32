package dev.lorafoundry.training.data;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON object read from a data file.
 *
 * @param line  the 1-based line where it starts
 * @param value the object
 */
public record JsonRecord(int line, JsonNode value) {}
