package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** OpenAI response_format: {@code text}, {@code json_object}, or {@code json_schema} with its schema. */
public record ResponseFormat(String type, @JsonProperty("json_schema") JsonSchemaFormat jsonSchema) {

    /** The named schema of a {@code json_schema} response format. */
    public record JsonSchemaFormat(String name, String description, JsonNode schema, Boolean strict) {}
}
