package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** POST /v1/unload_lora_adapter (vLLM's shape). */
public record UnloadLoraAdapterRequest(@JsonProperty("lora_name") String loraName,
                                       @JsonProperty("lora_int_id") Integer loraIntId) {}
