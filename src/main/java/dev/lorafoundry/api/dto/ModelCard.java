package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of GET /v1/models. */
public record ModelCard(
        String id,
        String object,
        long created,
        @JsonProperty("owned_by") String ownedBy,
        String root,
        String parent,
        @JsonProperty("max_model_len") int maxModelLen) {}
