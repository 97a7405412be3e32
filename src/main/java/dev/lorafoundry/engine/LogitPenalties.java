package dev.lorafoundry.engine;

import java.util.Arrays;

/**
 * Repetition (HF-style, over prompt and output), frequency and presence (OpenAI, over output only)
 * penalties, applied in place to one logits row. Works from sorted token lists rather than
 * vocabulary-sized count arrays, so its memory grows with the sequence, not with the vocabulary.
 */
final class LogitPenalties {

    private final double repetition;
    private final double presence;
    private final double frequency;
    private final int vocabSize;

    private int[] sortedOutput = new int[0];
    // The prompt is fixed for a sequence: its sorted distinct tokens are computed once and reused.
    private int[] cachedPrompt;
    private int[] distinctPrompt = new int[0];

    LogitPenalties(double repetition, double presence, double frequency, int vocabSize) {
        this.repetition = repetition;
        this.presence = presence;
        this.frequency = frequency;
        this.vocabSize = vocabSize;
    }

    boolean isActive() {
        return repetition != 1 || presence != 0 || frequency != 0;
    }

    void apply(float[] logits, int base, int[] promptTokens, int[] outputTokens, int outputCount) {
        int outputs = sortOutput(outputTokens, outputCount);
        if (repetition != 1) {
            applyRepetition(logits, base, distinctPrompt(promptTokens), outputs);
        }
        if (presence != 0 || frequency != 0) {
            for (int i = 0; i < outputs; ) {
                int token = sortedOutput[i];
                int run = i;
                while (run < outputs && sortedOutput[run] == token) run++;
                int count = run - i;
                logits[base + token] -= (float) (frequency * count + presence);
                i = run;
            }
        }
    }

    /** Divides positive and multiplies negative logits of every distinct token seen in prompt or output. */
    private void applyRepetition(float[] logits, int base, int[] prompt, int outputs) {
        int p = 0;
        int o = 0;
        int last = -1;
        while (p < prompt.length || o < outputs) {
            int token;
            if (o >= outputs || (p < prompt.length && prompt[p] <= sortedOutput[o])) {
                token = prompt[p++];
            } else {
                token = sortedOutput[o++];
            }
            if (token == last) continue;
            last = token;
            float logit = logits[base + token];
            logits[base + token] = logit > 0 ? (float) (logit / repetition) : (float) (logit * repetition);
        }
    }

    private int sortOutput(int[] outputTokens, int outputCount) {
        if (outputCount == 0) {
            return 0;
        }
        if (outputTokens == null || outputCount < 0 || outputCount > outputTokens.length) {
            throw new IllegalArgumentException("outputCount " + outputCount + " does not fit the output token array of length "
                    + (outputTokens == null ? 0 : outputTokens.length));
        }
        if (sortedOutput.length < outputCount) {
            sortedOutput = new int[Math.max(outputCount, 2 * sortedOutput.length)];
        }
        System.arraycopy(outputTokens, 0, sortedOutput, 0, outputCount);
        Arrays.sort(sortedOutput, 0, outputCount);
        checkInVocabulary(sortedOutput[0], sortedOutput[outputCount - 1], "output");
        return outputCount;
    }

    private int[] distinctPrompt(int[] promptTokens) {
        int[] prompt = promptTokens == null ? new int[0] : promptTokens;
        if (cachedPrompt != null && Arrays.equals(cachedPrompt, prompt)) {
            return distinctPrompt;
        }
        int[] sorted = prompt.clone();
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) sorted[distinct++] = sorted[i];
        }
        if (distinct > 0) {
            checkInVocabulary(sorted[0], sorted[distinct - 1], "prompt");
        }
        cachedPrompt = prompt.clone();
        distinctPrompt = Arrays.copyOf(sorted, distinct);
        return distinctPrompt;
    }

    private void checkInVocabulary(int smallest, int largest, String where) {
        if (smallest < 0 || largest >= vocabSize) {
            int bad = smallest < 0 ? smallest : largest;
            throw new IllegalArgumentException("the " + where + " contains token id " + bad
                    + ", outside the model's vocabulary [0, " + vocabSize + ")");
        }
    }
}
