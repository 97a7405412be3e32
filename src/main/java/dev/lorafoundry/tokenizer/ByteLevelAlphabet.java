package dev.lorafoundry.tokenizer;

/** GPT-2's table mapping each byte to a printable character, as byte-level BPE vocabularies spell tokens. */
final class ByteLevelAlphabet {

    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_OF_CHAR[printable ? b : next++] = b;
        }
    }

    private ByteLevelAlphabet() {}

    /** The byte a vocabulary character stands for, or -1 if the character is not in the alphabet. */
    static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }
}
