package dev.lorafoundry.api.dto;

import java.util.List;

/** GET /v1/models response. */
public record ModelList(String object, List<ModelCard> data) {}
