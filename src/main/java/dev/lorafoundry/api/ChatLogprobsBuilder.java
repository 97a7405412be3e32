package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.ChatLogprobs;
import dev.lorafoundry.api.dto.ChatTokenLogprob;
import dev.lorafoundry.api.dto.ChatTopLogprob;
import dev.lorafoundry.engine.TokenLogprobs;
import dev.lorafoundry.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds chat log-probs ({@code content[{token, logprob, bytes, top_logprobs}]}). */
final class ChatLogprobsBuilder {

    private ChatLogprobsBuilder() {}

    static ChatLogprobs of(List<TokenLogprobs> tokens, Tokenizer tokenizer, int topLogprobs) {
        List<ChatTokenLogprob> content = new ArrayList<>(tokens.size());
        for (TokenLogprobs t : tokens) {
            String token = tokenizer.tokenString(t.tokenId());
            List<ChatTopLogprob> top = t.top().stream().limit(topLogprobs)
                    .map(alt -> {
                        String altToken = tokenizer.tokenString(alt.tokenId());
                        return new ChatTopLogprob(altToken, alt.logprob(), bytes(altToken));
                    })
                    .toList();
            content.add(new ChatTokenLogprob(token, t.logprob() == null ? 0f : t.logprob(), bytes(token), top));
        }
        return new ChatLogprobs(content);
    }

    private static List<Integer> bytes(String token) {
        byte[] raw = token.getBytes(StandardCharsets.UTF_8);
        List<Integer> out = new ArrayList<>(raw.length);
        for (byte b : raw) {
            out.add(b & 0xff);
        }
        return out;
    }
}
