package dev.lorafoundry.toolcall;

/**
 * One function call the model made.
 *
 * @param id            OpenAI-style id, {@code call_} + 24 alphanumerics
 * @param name          the function name
 * @param argumentsJson the arguments as a JSON object text (what OpenAI puts in {@code function.arguments})
 */
public record ToolCall(String id, String name, String argumentsJson) {}
