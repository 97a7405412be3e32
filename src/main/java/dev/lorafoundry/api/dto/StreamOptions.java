package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code stream_options}: whether a streamed response ends with a usage chunk. */
public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {

    public static boolean includeUsage(StreamOptions options) {
        return options != null && Boolean.TRUE.equals(options.includeUsage());
    }
}
