package dev.lorafoundry.engine;

import java.util.List;

/** Callbacks from the engine thread for one sequence. Implementations must return quickly and never block. */
public interface GenerationListener {

    /** Once, before the first token, when prompt log-probs were requested; entry 0 has a null logprob. */
    default void onPromptLogprobs(List<TokenLogprobs> promptLogprobs) {}

    /** One generated token; {@code text} is the newly final text (may be empty while UTF-8 or a stop string is pending). */
    void onToken(GeneratedToken token);

    /** The sequence ended; counts are for usage reporting. */
    void onFinish(FinishReason reason, int promptTokens, int completionTokens);

    /** The sequence failed; no more callbacks follow. */
    void onError(Throwable error);
}
