package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The function a tool call names and its arguments as JSON text (a fragment of it in streamed deltas). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatFunctionCall(String name, String arguments) {}
