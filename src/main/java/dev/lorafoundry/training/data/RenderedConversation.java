package dev.lorafoundry.training.data;

import java.util.List;

/**
 * A conversation rendered by the chat template, with its assistant spans in order.
 *
 * @param text  the whole conversation as the template renders it (no generation prompt)
 * @param spans one per assistant message, ascending and disjoint
 */
record RenderedConversation(String text, List<AssistantSpan> spans) {}
