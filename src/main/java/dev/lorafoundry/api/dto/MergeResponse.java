package dev.lorafoundry.api.dto;

import java.util.List;

/** Where a merged model was written and what it holds. */
public record MergeResponse(String object, String adapter, String path, List<String> files) {}
