package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** POST /v1/chat/completions body (OpenAI chat completions plus vLLM's extra sampling and template fields). */
public record ChatCompletionRequest(
        String model,
        List<ChatMessage> messages,
        List<Map<String, Object>> tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
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
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("chat_template_kwargs") Map<String, Object> chatTemplateKwargs,
        @JsonProperty("add_generation_prompt") Boolean addGenerationPrompt,
        String user,
        /* LoRAX's way to pick an adapter (the model field works too) */
        @JsonProperty("adapter_id") String adapterId) implements SamplingFields {}
