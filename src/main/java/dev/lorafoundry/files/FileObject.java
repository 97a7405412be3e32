package dev.lorafoundry.files;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An uploaded file as OpenAI's Files API describes it ({@code "object": "file"}). */
public record FileObject(
        String id,
        String object,
        long bytes,
        @JsonProperty("created_at") long createdAt,
        String filename,
        String purpose,
        String status) {

    /** Every stored file was validated on upload, so it is "processed" as soon as it exists. */
    public static FileObject processed(String id, long bytes, long createdAt, String filename, String purpose) {
        return new FileObject(id, "file", bytes, createdAt, filename, purpose, "processed");
    }
}
