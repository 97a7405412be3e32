package dev.lorafoundry.files;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** File ids in OpenAI's style, {@code file-} and 24 random letters and digits; also the only names used on disk. */
final class FileIds {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern VALID = Pattern.compile("file-[A-Za-z0-9]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileIds() {}

    static String next() {
        StringBuilder id = new StringBuilder("file-");
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /** Whether the text can be a file id; anything else (a path, say) is unknown without asking Redis. */
    static boolean isWellFormed(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
