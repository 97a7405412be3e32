package dev.lorafoundry.engine;

/**
 * The resident base model as clients see it.
 *
 * @param id          the id in /v1/models and the {@code model} field
 * @param created     unix seconds when it was loaded
 * @param maxModelLen longest prompt + completion in tokens
 */
public record ServedModel(String id, long created, int maxModelLen) {}
