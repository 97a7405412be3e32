package dev.lorafoundry.training.data;

/**
 * One training sequence: token ids and which of them carry loss.
 *
 * @param inputIds the tokens
 * @param lossMask true where the token is a target (the model learns to predict it from the tokens before)
 */
public record EncodedExample(int[] inputIds, boolean[] lossMask) {

    /** Hugging Face's ignore index for labels. */
    public static final int IGNORE_INDEX = -100;

    public EncodedExample {
        if (inputIds.length != lossMask.length) {
            throw new IllegalArgumentException("inputIds and lossMask differ in length: " + inputIds.length + " vs " + lossMask.length);
        }
    }

    public int length() {
        return inputIds.length;
    }

    /** Labels the Hugging Face way: the token id where it carries loss, -100 elsewhere; the model shifts them. */
    public int[] labels() {
        int[] labels = new int[inputIds.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = lossMask[i] ? inputIds[i] : IGNORE_INDEX;
        }
        return labels;
    }

    /** How many tokens carry loss. */
    public int trainedTokens() {
        int n = 0;
        for (boolean b : lossMask) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
