package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** POST /tokenize response; {@code prompt} is the rendered chat text when messages were sent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenizeResponse(
        int count,
        @JsonProperty("max_model_len") int maxModelLen,
        int[] tokens,
        @JsonProperty("token_strs") List<String> tokenStrs,
        String prompt) {}
