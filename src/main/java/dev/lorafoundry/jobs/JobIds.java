package dev.lorafoundry.jobs;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Ids in OpenAI's style: {@code ftjob-}, {@code ftckpt-} and 24 random letters and digits. */
final class JobIds {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern JOB = Pattern.compile("ftjob-[A-Za-z0-9]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private JobIds() {}

    static String nextJob() {
        return "ftjob-" + random(24);
    }

    static String nextCheckpoint() {
        return "ftckpt-" + random(24);
    }

    /** Whether the text can be a job id; anything else is unknown without asking Redis (and never builds a key). */
    static boolean isJobId(String id) {
        return id != null && JOB.matcher(id).matches();
    }

    private static String random(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
