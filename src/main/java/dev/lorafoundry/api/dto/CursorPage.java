package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;

/** OpenAI's cursor-paged list: {@code {"object": "list", "data": […], "has_more", "first_id", "last_id"}}. */
public record CursorPage<T>(
        String object,
        List<T> data,
        @JsonProperty("has_more") boolean hasMore,
        @JsonProperty("first_id") String firstId,
        @JsonProperty("last_id") String lastId) {

    public static <T> CursorPage<T> of(List<T> data, boolean hasMore, Function<T, String> id) {
        return new CursorPage<>("list", data, hasMore, data.isEmpty() ? null : id.apply(data.getFirst()),
                data.isEmpty() ? null : id.apply(data.getLast()));
    }
}
