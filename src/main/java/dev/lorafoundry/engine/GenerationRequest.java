package dev.lorafoundry.engine;

/**
 * One sequence to generate: the prompt as token ids, how to sample, and who hears the tokens.
 *
 * @param promptTokens     the prompt, already tokenized (chat template applied by the caller)
 * @param params           sampling and stopping rules
 * @param promptLogprobs   -1: none; otherwise compute log-probs of every prompt token with this many top alternatives (echo)
 * @param listener         receives tokens on the engine thread; must not block
 * @param constraint       restricts the tokens the sequence may produce (constrained decoding), or null
 * @param lora             the LoRA adapter to run with, or null for the base model
 */
public record GenerationRequest(int[] promptTokens, SamplingParams params, int promptLogprobs,
                                GenerationListener listener, TokenConstraint constraint, LoraRequest lora) {

    /** A request on the base model. */
    public GenerationRequest(int[] promptTokens, SamplingParams params, int promptLogprobs, GenerationListener listener,
                             TokenConstraint constraint) {
        this(promptTokens, params, promptLogprobs, listener, constraint, null);
    }

    /** A request with no constraint on its output. */
    public GenerationRequest(int[] promptTokens, SamplingParams params, int promptLogprobs, GenerationListener listener) {
        this(promptTokens, params, promptLogprobs, listener, null);
    }
}
