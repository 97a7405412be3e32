package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Legacy completions log-probs: parallel lists, one entry per token; the first echoed prompt token has null entries. */
public record CompletionLogprobs(
        List<String> tokens,
        @JsonProperty("token_logprobs") List<Float> tokenLogprobs,
        @JsonProperty("top_logprobs") List<Map<String, Float>> topLogprobs,
        @JsonProperty("text_offset") List<Integer> textOffset) {}
