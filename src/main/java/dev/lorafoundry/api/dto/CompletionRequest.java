package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** POST /v1/completions body (OpenAI legacy completions plus vLLM's extra sampling fields). */
public record CompletionRequest(
        String model,
        /* a string, a list of strings, a list of token ids or a list of lists of token ids */
        JsonNode prompt,
        String suffix,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("min_p") Double minP,
        Integer n,
        Long seed,
        JsonNode stop,
        @JsonProperty("stop_token_ids") List<Integer> stopTokenIds,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("repetition_penalty") Double repetitionPenalty,
        @JsonProperty("logit_bias") Map<String, Double> logitBias,
        @JsonProperty("ignore_eos") Boolean ignoreEos,
        Boolean echo,
        Integer logprobs,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        /* vLLM extension: log-prob tokens as "token_id:N" */
        @JsonProperty("return_tokens_as_token_ids") Boolean returnTokensAsTokenIds,
        String user,
        /* LoRAX's way to pick an adapter (the model field works too) */
        @JsonProperty("adapter_id") String adapterId) implements SamplingFields {}
