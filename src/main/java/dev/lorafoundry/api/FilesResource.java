package dev.lorafoundry.api;

import dev.lorafoundry.api.dto.FileDeleted;
import dev.lorafoundry.api.dto.FileList;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.files.FileObject;
import dev.lorafoundry.files.FilePage;
import dev.lorafoundry.files.FilePurpose;
import dev.lorafoundry.files.FileStore;
import dev.lorafoundry.files.JsonlReport;
import dev.lorafoundry.files.JsonlValidator;
import dev.lorafoundry.files.UnknownFileException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** OpenAI's Files API: upload (multipart), list, retrieve, download and delete training data. */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Files", description = "Uploaded training data (OpenAI Files API)")
public class FilesResource {

    static final int MAX_LIMIT = 10_000;

    @Inject
    FileStore store;

    @Inject
    LoraFoundryConfig config;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a file",
            description = "multipart/form-data with 'file' and 'purpose'. 'fine-tune' files must be JSONL training records"
                    + " (checked line by line); 'user_data' and 'assistants' files are stored as they are.")
    public FileObject upload(@RestForm("file") FileUpload file, @RestForm("purpose") String purpose) throws IOException {
        if (file == null) {
            throw ApiException.invalid("file", "Missing the 'file' part: send multipart/form-data with the file in a part"
                    + " named 'file' (with a filename) and the purpose in a field named 'purpose'.");
        }
        FilePurpose kind = purpose(purpose);
        long maxBytes = config.files().maxBytes().asLongValue();
        if (file.size() > maxBytes) {
            throw new ApiException(413, "invalid_request_error", "file", "file_too_large", "The file is " + file.size()
                    + " bytes; this server accepts files of at most " + maxBytes + " bytes (lorafoundry.files.max-bytes)."
                    + " Split the dataset into smaller files.");
        }
        if (file.size() == 0) {
            throw ApiException.invalid("file", "The file is empty; upload a file with at least one record.");
        }
        if (kind.validatedAsJsonl()) {
            JsonlReport report = JsonlValidator.fineTuning().validate(file.uploadedFile());
            if (!report.valid()) {
                throw ApiException.invalid("file", invalidJsonlMessage(baseName(file.fileName()), report));
            }
        }
        return store.store(file.uploadedFile(), baseName(file.fileName()), kind);
    }

    @GET
    @Operation(summary = "List files", description = "Newest first unless order=asc; page with 'after' = the previous page's last_id.")
    public FileList list(@RestQuery String purpose, @RestQuery String after, @RestQuery String limit, @RestQuery String order) {
        int pageSize = limit(limit);
        boolean ascending = switch (order == null ? "desc" : order) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ApiException.invalid("order", "'order' must be 'asc' or 'desc' (by created_at), not '" + order + "'.");
        };
        try {
            FilePage page = store.list(Optional.ofNullable(purpose), Optional.ofNullable(after), pageSize, ascending);
            return FileList.of(page.files(), page.hasMore());
        } catch (UnknownFileException e) {
            throw ApiException.invalid("after", "'after' must be the id of a listed file, and '" + e.id()
                    + "' is none (it may have been deleted since): list again without 'after'.");
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe one file")
    public FileObject retrieve(@PathParam("id") String id) {
        return existing(id);
    }

    @GET
    @Path("/{id}/content")
    @Produces(MediaType.WILDCARD) // the OpenAI clients ask for application/binary or */*; the bytes go back as they were uploaded
    @Operation(summary = "Download a file's content")
    public Response content(@PathParam("id") String id) {
        FileObject file = existing(id);
        return Response.ok(store.contentPath(file).toFile(), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Content-Disposition", "attachment; filename=\"" + file.filename().replace("\"", "") + "\"")
                .build();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a file")
    public FileDeleted delete(@PathParam("id") String id) throws IOException {
        if (!store.delete(id)) {
            throw notFound(id);
        }
        return new FileDeleted(id, "file", true);
    }

    private FileObject existing(String id) {
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "invalid_request_error", "id", null,
                "No such File object: " + id + ". GET /v1/files lists the files this server has.");
    }

    private static FilePurpose purpose(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            throw ApiException.invalid("purpose", "Missing 'purpose': send a form field 'purpose' with one of "
                    + FilePurpose.accepted() + " ('fine-tune' for training data).");
        }
        return FilePurpose.of(purpose).orElseThrow(() -> ApiException.invalid("purpose", switch (purpose) {
            case "batch", "vision", "evals" -> "The purpose '" + purpose + "' belongs to an OpenAI API this server does not have;"
                    + " it accepts " + FilePurpose.accepted() + ".";
            default -> "Unknown purpose '" + purpose + "'; use one of " + FilePurpose.accepted() + ".";
        }));
    }

    private static int limit(String limit) {
        if (limit == null) {
            return MAX_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("limit", "'limit' must be a whole number between 1 and " + MAX_LIMIT + ", not '" + limit + "'.");
    }

    /** Clients may send a full path as the filename; only its last part names the file. */
    private static String baseName(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return "upload";
        }
        return fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
    }

    private static String invalidJsonlMessage(String fileName, JsonlReport report) {
        if (report.problems().isEmpty()) {
            return "The file '" + fileName + "' has no records: a fine-tuning file needs at least one JSON object per line.";
        }
        String listed = report.problems().stream().map(Object::toString).collect(Collectors.joining("; "));
        return "The file '" + fileName + "' is not valid fine-tuning JSONL (one JSON object per line): " + listed
                + (report.moreProblems() ? "; and more after line " + report.problems().getLast().line() : "")
                + ". Fix " + (report.problems().size() == 1 && !report.moreProblems() ? "this line" : "these lines")
                + " and upload the file again.";
    }
}
