package dev.lorafoundry.training.data;

/**
 * Where one assistant turn's generated text lies in a rendered conversation: from the end of its generation prompt
 * up to and including the template's end-of-turn text.
 *
 * @param messageIndex the assistant message's index in the template messages
 * @param start        first character
 * @param end          one past the last character
 * @param needsEos     the template writes no end-of-turn text, so an EOS token must follow
 */
record AssistantSpan(int messageIndex, int start, int end, boolean needsEos) {}
