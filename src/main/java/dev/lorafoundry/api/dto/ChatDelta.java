package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The change a streamed chat chunk carries; absent fields are omitted, so the final delta is {}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatDelta(String role, String content) {}
