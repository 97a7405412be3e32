package dev.lorafoundry.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one sequence picks its next tokens and when it stops (OpenAI/vLLM semantics).
 *
 * @param maxTokens        most tokens to generate
 * @param temperature      0 means greedy
 * @param topP             nucleus mass in (0,1]; 1 disables
 * @param topK             keep the k most likely; 0 or -1 disables
 * @param minP             drop tokens below minP × p(max); 0 disables
 * @param seed             per-request seed for reproducible sampling; null draws one
 * @param stop             stop strings (not included in the output)
 * @param stopTokenIds     extra token ids that end the sequence
 * @param ignoreEos        keep going past EOS
 * @param presencePenalty  OpenAI presence penalty over generated tokens
 * @param frequencyPenalty OpenAI frequency penalty over generated tokens
 * @param repetitionPenalty HF-style multiplicative penalty over prompt and generated tokens; 1 disables
 * @param logitBias        token id → bias added to the logit
 * @param logprobs         number of top log-probs to return per token; -1 means none
 */
public record SamplingParams(
        int maxTokens,
        double temperature,
        double topP,
        int topK,
        double minP,
        Long seed,
        List<String> stop,
        Set<Integer> stopTokenIds,
        boolean ignoreEos,
        double presencePenalty,
        double frequencyPenalty,
        double repetitionPenalty,
        Map<Integer, Double> logitBias,
        int logprobs) {

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    /** Greedy decoding of up to maxTokens with no penalties and no log-probs. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(maxTokens, 0, 1, 0, 0, null, List.of(), Set.of(), false, 0, 0, 1, Map.of(), -1);
    }

    public boolean isGreedy() {
        return temperature <= 0;
    }
}
