package dev.lorafoundry.api;

import java.util.UUID;

/** Fresh OpenAI-style response ids ({@code cmpl-…}, {@code chatcmpl-…}). */
final class ResponseIds {

    private ResponseIds() {}

    static String next(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }
}
