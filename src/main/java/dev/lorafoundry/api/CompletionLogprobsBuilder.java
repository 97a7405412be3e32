package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.CompletionLogprobs;
import dev.lorafoundry.engine.TokenLogprobs;
import dev.lorafoundry.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds legacy completions log-probs, keeping the running text offset across streamed chunks of one choice. */
final class CompletionLogprobsBuilder {

    private final Tokenizer tokenizer;
    private final boolean tokensAsIds;
    private int textOffset;

    /** @param tokensAsIds vLLM's return_tokens_as_token_ids: name tokens "token_id:N" (unambiguous for any bytes) */
    CompletionLogprobsBuilder(Tokenizer tokenizer, boolean tokensAsIds) {
        this.tokenizer = tokenizer;
        this.tokensAsIds = tokensAsIds;
    }

    private String name(int tokenId) {
        return tokensAsIds ? "token_id:" + tokenId : tokenizer.tokenString(tokenId);
    }

    /** The next tokens of this choice; a token with a null logprob (first echoed prompt token) gets null entries. */
    CompletionLogprobs next(List<TokenLogprobs> tokens) {
        List<String> strings = new ArrayList<>();
        List<Float> logprobs = new ArrayList<>();
        List<Map<String, Float>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        for (TokenLogprobs t : tokens) {
            strings.add(name(t.tokenId()));
            logprobs.add(t.logprob());
            tops.add(t.logprob() == null ? null : top(t));
            offsets.add(textOffset);
            textOffset += tokenizer.tokenString(t.tokenId()).length();
        }
        return new CompletionLogprobs(strings, logprobs, tops, offsets);
    }

    /** The top alternatives plus the chosen token (vLLM's shape, so logprobs=0 still shows the chosen one). */
    private Map<String, Float> top(TokenLogprobs t) {
        Map<String, Float> top = new LinkedHashMap<>();
        for (TokenLogprobs.TokenLogprob alt : t.top()) {
            top.putIfAbsent(name(alt.tokenId()), alt.logprob());
        }
        top.putIfAbsent(name(t.tokenId()), t.logprob());
        return top;
    }
}
