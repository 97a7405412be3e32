package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** POST /v1/load_lora_adapter (vLLM's shape): register the adapter folder at a server path under a name. */
public record LoadLoraAdapterRequest(@JsonProperty("lora_name") String loraName,
                                     @JsonProperty("lora_path") String loraPath,
                                     /* extension: keep it resident, never evicted */
                                     Boolean pinned) {}
