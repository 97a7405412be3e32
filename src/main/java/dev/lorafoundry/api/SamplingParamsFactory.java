package dev.lorafoundry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.api.dto.SamplingFields;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.SamplingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates the shared sampling fields of a request and turns them into engine {@link SamplingParams}. */
final class SamplingParamsFactory {

    static final int MAX_CHOICES = 16;
    static final int MAX_STOP_STRINGS = 4;

    private SamplingParamsFactory() {}

    /** Number of choices ({@code n}), 1 when absent. */
    static int choices(SamplingFields f) {
        int n = f.n() == null ? 1 : f.n();
        if (n < 1 || n > MAX_CHOICES) {
            throw ApiException.invalid("n", "n must be between 1 and " + MAX_CHOICES + ", got " + n + ".");
        }
        return n;
    }

    /** Validates every sampling field; {@code vocabSize} bounds token ids in logit_bias and stop_token_ids. */
    static SamplingParams build(SamplingFields f, int maxTokens, int logprobs, int vocabSize) {
        double temperature = inRange("temperature", f.temperature(), 1.0, 0, 2);
        double topP = f.topP() == null ? 1.0 : f.topP();
        if (!(topP > 0 && topP <= 1)) {
            throw ApiException.invalid("top_p", "top_p must be in (0, 1], got " + topP + ".");
        }
        int topK = f.topK() == null ? 0 : f.topK();
        if (topK < -1) {
            throw ApiException.invalid("top_k", "top_k must be -1 or 0 (disabled) or at least 1, got " + topK + ".");
        }
        double minP = inRange("min_p", f.minP(), 0, 0, 1);
        double presence = inRange("presence_penalty", f.presencePenalty(), 0, -2, 2);
        double frequency = inRange("frequency_penalty", f.frequencyPenalty(), 0, -2, 2);
        double repetition = f.repetitionPenalty() == null ? 1.0 : f.repetitionPenalty();
        if (!(repetition > 0)) {
            throw ApiException.invalid("repetition_penalty", "repetition_penalty must be greater than 0 (1 disables it), got " + repetition + ".");
        }
        return new SamplingParams(maxTokens, temperature, topP, topK, minP, f.seed(), stopStrings(f.stop()),
                stopTokenIds(f.stopTokenIds(), vocabSize), Boolean.TRUE.equals(f.ignoreEos()),
                presence, frequency, repetition, logitBias(f.logitBias(), vocabSize), logprobs);
    }

    /** The same parameters with the seed of choice {@code index} (seed + index), so n choices differ yet reproduce. */
    static SamplingParams forChoice(SamplingParams p, int index) {
        if (p.seed() == null || index == 0) {
            return p;
        }
        return new SamplingParams(p.maxTokens(), p.temperature(), p.topP(), p.topK(), p.minP(), p.seed() + index,
                p.stop(), p.stopTokenIds(), p.ignoreEos(), p.presencePenalty(), p.frequencyPenalty(),
                p.repetitionPenalty(), p.logitBias(), p.logprobs());
    }

    private static double inRange(String param, Double value, double fallback, double min, double max) {
        double v = value == null ? fallback : value;
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid(param, param + " must be between " + min + " and " + max + ", got " + v + ".");
        }
        return v;
    }

    private static List<String> stopStrings(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        if (stop.isTextual()) {
            strings.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiException.invalid("stop", "stop must be a string or a list of strings; found " + s.getNodeType().name().toLowerCase() + " in the list.");
                }
                strings.add(s.asText());
            }
        } else {
            throw ApiException.invalid("stop", "stop must be a string or a list of strings.");
        }
        if (strings.size() > MAX_STOP_STRINGS) {
            throw ApiException.invalid("stop", "stop accepts at most " + MAX_STOP_STRINGS + " strings, got " + strings.size() + ".");
        }
        if (strings.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("stop", "stop strings must not be empty.");
        }
        return strings;
    }

    private static Set<Integer> stopTokenIds(List<Integer> ids, int vocabSize) {
        if (ids == null) {
            return Set.of();
        }
        for (Integer id : ids) {
            if (id == null || id < 0 || id >= vocabSize) {
                throw ApiException.invalid("stop_token_ids", "stop_token_ids must be token ids in [0, " + vocabSize + "), got " + id + ".");
            }
        }
        return new HashSet<>(ids);
    }

    private static Map<Integer, Double> logitBias(Map<String, Double> bias, int vocabSize) {
        if (bias == null) {
            return Map.of();
        }
        Map<Integer, Double> byId = new HashMap<>();
        for (Map.Entry<String, Double> e : bias.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException notANumber) {
                throw ApiException.invalid("logit_bias", "logit_bias keys must be token ids, got '" + e.getKey() + "'.");
            }
            if (id < 0 || id >= vocabSize) {
                throw ApiException.invalid("logit_bias", "logit_bias key " + id + " is outside the vocabulary [0, " + vocabSize + ").");
            }
            Double value = e.getValue();
            if (value == null || !(value >= -100 && value <= 100)) {
                throw ApiException.invalid("logit_bias", "logit_bias values must be between -100 and 100, got " + value + " for token " + id + ".");
            }
            byId.put(id, value);
        }
        return byId;
    }
}
