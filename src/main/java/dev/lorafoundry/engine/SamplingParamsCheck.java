package dev.lorafoundry.engine;

import java.util.Map;

/** Rejects sampling parameters a {@link Sampler} cannot honour, naming the OpenAI field and the allowed range. */
final class SamplingParamsCheck {

    private SamplingParamsCheck() {}

    static void validate(SamplingParams params, int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        require(params.temperature() >= 0 && Double.isFinite(params.temperature()),
                "temperature must be a finite number >= 0 (0 means greedy), got " + params.temperature());
        require(params.topP() > 0 && params.topP() <= 1, "top_p must be in (0, 1], got " + params.topP());
        require(params.topK() >= -1, "top_k must be -1 or 0 (disabled) or a positive count, got " + params.topK());
        require(params.minP() >= 0 && params.minP() <= 1, "min_p must be in [0, 1], got " + params.minP());
        require(params.repetitionPenalty() > 0 && Double.isFinite(params.repetitionPenalty()),
                "repetition_penalty must be a finite number > 0 (1 disables), got " + params.repetitionPenalty());
        require(Double.isFinite(params.presencePenalty()), "presence_penalty must be finite, got " + params.presencePenalty());
        require(Double.isFinite(params.frequencyPenalty()), "frequency_penalty must be finite, got " + params.frequencyPenalty());
        require(params.logprobs() >= -1, "logprobs must be -1 (none) or a count >= 0, got " + params.logprobs());
        for (Map.Entry<Integer, Double> bias : params.logitBias().entrySet()) {
            int token = bias.getKey();
            require(token >= 0 && token < vocabSize,
                    "logit_bias names token id " + token + ", outside the model's vocabulary [0, " + vocabSize + ")");
            require(bias.getValue() != null && Double.isFinite(bias.getValue()),
                    "logit_bias for token " + token + " must be a finite number, got " + bias.getValue());
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
