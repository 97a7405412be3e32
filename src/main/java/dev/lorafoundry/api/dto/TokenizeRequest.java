package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** POST /tokenize body (vLLM shape): either {@code prompt} or {@code messages}. */
public record TokenizeRequest(
        String model,
        String prompt,
        @JsonProperty("add_special_tokens") Boolean addSpecialTokens,
        List<ChatMessage> messages,
        List<Map<String, Object>> tools,
        @JsonProperty("add_generation_prompt") Boolean addGenerationPrompt,
        @JsonProperty("chat_template_kwargs") Map<String, Object> chatTemplateKwargs,
        @JsonProperty("return_token_strs") Boolean returnTokenStrs) {}
