package dev.lorafoundry.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent, deliberately naive statement of the sampling rules for tests: maps and sets for
 * penalties, a full sort in double for the filters. Slow and obviously correct.
 */
final class ReferenceSampling {

    private ReferenceSampling() {}

    /** logit_bias then repetition, frequency, presence penalties, as vLLM's documentation states them. */
    static double[] modifiedLogits(float[] raw, SamplingParams params, int[] prompt, int[] output) {
        double[] logits = new double[raw.length];
        for (int i = 0; i < raw.length; i++) logits[i] = raw[i];
        params.logitBias().forEach((token, bias) -> logits[token] += bias);
        Set<Integer> seen = new HashSet<>();
        for (int t : prompt) seen.add(t);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int t : output) {
            seen.add(t);
            counts.merge(t, 1, Integer::sum);
        }
        for (int t : seen) {
            logits[t] = logits[t] > 0 ? logits[t] / params.repetitionPenalty() : logits[t] * params.repetitionPenalty();
        }
        counts.forEach((token, count) -> logits[token] -= params.frequencyPenalty() * count + params.presencePenalty());
        return logits;
    }

    /** The distribution drawn from after temperature, top_k, top_p, min_p (0 for dropped tokens). */
    static double[] finalDistribution(double[] logits, SamplingParams params) {
        int n = logits.length;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        // Descending by logit, lower id first among equals.
        order.sort(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i));
        boolean[] kept = new boolean[n];
        for (int i = 0; i < n; i++) kept[i] = true;
        if (params.topK() > 0 && params.topK() < n) {
            double kth = logits[order.get(params.topK() - 1)];
            for (int i = 0; i < n; i++) kept[i] = logits[i] >= kth;
        }
        double max = logits[order.get(0)];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (kept[i]) {
                p[i] = Math.exp((logits[i] - max) / params.temperature());
                sum += p[i];
            }
        }
        for (int i = 0; i < n; i++) p[i] /= sum;
        if (params.topP() < 1) {
            double cumulative = 0;
            boolean reached = false;
            for (int i : order) {
                if (!kept[i]) continue;
                if (reached) {
                    kept[i] = false;
                } else {
                    cumulative += p[i];
                    reached = cumulative >= params.topP();
                }
            }
        }
        if (params.minP() > 0) {
            double pMax = p[order.get(0)];
            for (int i = 0; i < n; i++) if (p[i] < params.minP() * pMax) kept[i] = false;
        }
        double keptSum = 0;
        for (int i = 0; i < n; i++) if (kept[i]) keptSum += p[i];
        double[] result = new double[n];
        for (int i = 0; i < n; i++) if (kept[i]) result[i] = p[i] / keptSum;
        return result;
    }

    static SamplingParams params(double temperature, double topP, int topK, double minP, Long seed) {
        return new SamplingParams(16, temperature, topP, topK, minP, seed, List.of(), Set.of(), false, 0, 0, 1, Map.of(), -1);
    }
}
