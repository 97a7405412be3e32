package dev.lorafoundry.api.dto;

/** The assistant message of a chat completion choice. */
public record ChatResponseMessage(String role, String content) {}
