package dev.lorafoundry.defaultmodel;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible byte-to-character table, which byte-level BPE vocabularies (GPT-2, Qwen, Llama 3) spell tokens in:
 * printable Latin-1 bytes stand for themselves, the other 68 bytes for the characters 256, 257, ... in byte order.
 */
final class ByteSymbols {

    private static final char[] CHAR_OF_BYTE = new char[256];

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            CHAR_OF_BYTE[b] = printable ? (char) b : (char) next++;
        }
    }

    private ByteSymbols() {}

    /** The character standing for one byte (0..255). */
    static char of(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** A piece of text spelled as the vocabulary spells it: its UTF-8 bytes, each as its character. */
    static String spell(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(chars);
    }
}
