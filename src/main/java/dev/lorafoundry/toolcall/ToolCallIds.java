package dev.lorafoundry.toolcall;

import java.security.SecureRandom;

/** Makes OpenAI-style tool call ids: {@code call_} followed by 24 random alphanumerics. */
final class ToolCallIds {

    private static final String ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int RANDOM_LENGTH = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ToolCallIds() {}

    static String next() {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            id.append(ALPHANUMERICS.charAt(RANDOM.nextInt(ALPHANUMERICS.length())));
        }
        return id.toString();
    }
}
