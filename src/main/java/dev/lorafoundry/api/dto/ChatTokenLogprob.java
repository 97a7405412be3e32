package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Log-prob of one generated chat token with its top alternatives. */
public record ChatTokenLogprob(
        String token,
        float logprob,
        List<Integer> bytes,
        @JsonProperty("top_logprobs") List<ChatTopLogprob> topLogprobs) {}
