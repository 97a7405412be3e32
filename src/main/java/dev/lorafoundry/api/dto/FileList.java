package dev.lorafoundry.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lorafoundry.files.FileObject;
import java.util.List;

/** GET /v1/files: one page of files, as OpenAI's cursor pages ({@code after} = {@code last_id} for the next page). */
public record FileList(
        String object,
        List<FileObject> data,
        @JsonProperty("first_id") String firstId,
        @JsonProperty("last_id") String lastId,
        @JsonProperty("has_more") boolean hasMore) {

    public static FileList of(List<FileObject> files, boolean hasMore) {
        return new FileList("list", files, files.isEmpty() ? null : files.getFirst().id(),
                files.isEmpty() ? null : files.getLast().id(), hasMore);
    }
}
