package dev.lorafoundry.grammar;

import java.util.List;

/**
 * Inside a JSON string (after the opening quote): counts characters (code points) against min/max length and checks
 * escapes and the UTF-8 structure of multibyte characters, so the bytes always decode and the string always parses.
 *
 * @param count characters started so far (an escape or a multibyte character counts when its first byte is read)
 * @param mode  {@link #NORMAL}, an escape in progress, or continuation bytes still due ({@code mode - 5} of them)
 * @param low   smallest byte allowed as the next continuation byte
 * @param high  largest byte allowed as the next continuation byte
 */
record StringFrame(int min, int max, int count, int mode, int low, int high) implements Frame {

    static final int NORMAL = 0;
    private static final int ESCAPE = 1;
    private static final int HEX_U = 2;
    private static final int HEX_U0 = 3;
    private static final int HEX_U00 = 4;
    private static final int HEX_U00X = 5;
    private static final int CONTINUATION_BASE = 5;

    static StringFrame opened(int min, int max) {
        return new StringFrame(min, max, 0, NORMAL, 0, 0);
    }

    /** True if b is the closing quote and the string may end here. */
    boolean closesOn(int b) {
        return b == '"' && mode == NORMAL && count >= min;
    }

    /** The state after byte b inside the string, or null if b cannot come next (the closing quote included). */
    StringFrame next(int b) {
        switch (mode) {
            case NORMAL:
                if (count >= max || b < 0x20 || b == '"') {
                    return null;
                }
                if (b == '\\') {
                    return new StringFrame(min, max, count + 1, ESCAPE, 0, 0);
                }
                if (b < 0x80) {
                    return new StringFrame(min, max, count + 1, NORMAL, 0, 0);
                }
                return leadByte(b);
            case ESCAPE:
                if (b == 'u') {
                    return new StringFrame(min, max, count, HEX_U, 0, 0);
                }
                return "\"\\/bfnrt".indexOf(b) >= 0 ? new StringFrame(min, max, count, NORMAL, 0, 0) : null;
            case HEX_U:
                return b == '0' ? new StringFrame(min, max, count, HEX_U0, 0, 0) : null;
            case HEX_U0:
                return b == '0' ? new StringFrame(min, max, count, HEX_U00, 0, 0) : null;
            case HEX_U00:
                return isHex(b) ? new StringFrame(min, max, count, HEX_U00X, 0, 0) : null;
            case HEX_U00X:
                return isHex(b) ? new StringFrame(min, max, count, NORMAL, 0, 0) : null;
            default:
                if (b < low || b > high) {
                    return null;
                }
                int remaining = mode - CONTINUATION_BASE - 1;
                return new StringFrame(min, max, count, remaining == 0 ? NORMAL : CONTINUATION_BASE + remaining, 0x80, 0xBF);
        }
    }

    /** First byte of a multibyte character; the ranges exclude overlong forms, surrogates and code points past U+10FFFF. */
    private StringFrame leadByte(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            return continuation(1, 0x80, 0xBF);
        }
        if (b == 0xE0) {
            return continuation(2, 0xA0, 0xBF);
        }
        if (b == 0xED) {
            return continuation(2, 0x80, 0x9F);
        }
        if (b >= 0xE1 && b <= 0xEF) {
            return continuation(2, 0x80, 0xBF);
        }
        if (b == 0xF0) {
            return continuation(3, 0x90, 0xBF);
        }
        if (b >= 0xF1 && b <= 0xF3) {
            return continuation(3, 0x80, 0xBF);
        }
        if (b == 0xF4) {
            return continuation(3, 0x80, 0x8F);
        }
        return null;
    }

    private StringFrame continuation(int bytesDue, int nextLow, int nextHigh) {
        return new StringFrame(min, max, count + 1, CONTINUATION_BASE + bytesDue, nextLow, nextHigh);
    }

    private static boolean isHex(int b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        if (closesOn(b)) {
            out.add(rest);
            return;
        }
        StringFrame next = next(b);
        if (next != null) {
            out.add(rest.push(next));
        }
    }
}
