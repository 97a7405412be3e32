package dev.lorafoundry.api.dto;

/** DELETE /v1/files/{id}: {@code {"id", "object": "file", "deleted": true}}. */
public record FileDeleted(String id, String object, boolean deleted) {}
