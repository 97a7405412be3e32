package dev.lorafoundry.api;

import dev.lorafoundry.api.error.ApiException;

/** Fits prompt + completion into the model's context and resolves an absent max_tokens. */
final class PromptLimits {

    private PromptLimits() {}

    /**
     * @param requested        the client's max_tokens, or null
     * @param defaultMaxTokens used when requested is null; -1 means "whatever the context has left"
     */
    static int resolveMaxTokens(int promptTokens, Integer requested, int defaultMaxTokens, int maxModelLen,
                                String promptParam, String maxTokensParam) {
        if (requested != null && requested < 1) {
            throw ApiException.invalid(maxTokensParam, maxTokensParam + " must be at least 1, got " + requested + ".");
        }
        if (promptTokens >= maxModelLen) {
            throw ApiException.invalid(promptParam, "The prompt has " + promptTokens + " tokens, but this model's context is "
                    + maxModelLen + " tokens (max_model_len) and must leave room for at least one generated token. Shorten the prompt.");
        }
        int left = maxModelLen - promptTokens;
        if (requested == null) {
            return defaultMaxTokens < 0 ? left : Math.min(defaultMaxTokens, left);
        }
        if (requested > left) {
            throw ApiException.invalid(maxTokensParam, "The prompt has " + promptTokens + " tokens and " + maxTokensParam + " is "
                    + requested + ", together " + (promptTokens + requested) + ", more than this model's context of "
                    + maxModelLen + " tokens. Lower " + maxTokensParam + " to at most " + left + " or shorten the prompt.");
        }
        return requested;
    }
}
