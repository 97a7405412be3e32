package dev.lorafoundry.api.dto;

/** POST /detokenize response. */
public record DetokenizeResponse(String prompt) {}
