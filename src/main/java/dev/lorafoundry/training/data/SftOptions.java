package dev.lorafoundry.training.data;

import java.util.Map;

/**
 * How conversations become supervised examples (LLaMA-Factory's names).
 *
 * @param cutoffLen      maximum tokens per example (0 = no limit); longer ones are cut keeping the answers
 * @param trainOnPrompt  loss on every token, prompts included
 * @param maskHistory    loss on the last assistant turn only (earlier turns are context)
 * @param templateKwargs extra variables for the chat template (e.g. enable_thinking)
 */
public record SftOptions(int cutoffLen, boolean trainOnPrompt, boolean maskHistory, Map<String, Object> templateKwargs) {

    /** LLaMA-Factory's default cutoff_len. */
    public static final int DEFAULT_CUTOFF_LEN = 2048;

    public SftOptions {
        if (cutoffLen < 0) {
            throw new IllegalArgumentException("cutoff_len must be >= 0 (0 = no limit), got " + cutoffLen);
        }
        templateKwargs = templateKwargs == null ? Map.of() : Map.copyOf(templateKwargs);
    }

    /** Loss on every assistant turn, cutoff 2048. */
    public static SftOptions defaults() {
        return new SftOptions(DEFAULT_CUTOFF_LEN, false, false, Map.of());
    }

    public SftOptions withCutoffLen(int tokens) {
        return new SftOptions(tokens, trainOnPrompt, maskHistory, templateKwargs);
    }

    public SftOptions withTrainOnPrompt(boolean on) {
        return new SftOptions(cutoffLen, on, maskHistory, templateKwargs);
    }

    public SftOptions withMaskHistory(boolean on) {
        return new SftOptions(cutoffLen, trainOnPrompt, on, templateKwargs);
    }

    public SftOptions withTemplateKwargs(Map<String, Object> kwargs) {
        return new SftOptions(cutoffLen, trainOnPrompt, maskHistory, kwargs);
    }
}
