package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One adapter as GET /v1/adapters lists it. */
public record AdapterInfo(
        String id,
        String object,
        @JsonProperty("base_model") String baseModel,
        int rank,
        @JsonProperty("lora_alpha") double loraAlpha,
        @JsonProperty("use_rslora") boolean useRslora,
        @JsonProperty("use_dora") boolean useDora,
        List<String> targets,
        @JsonProperty("size_bytes") long sizeBytes,
        String source,
        boolean resident,
        String path,
        long created) {}
