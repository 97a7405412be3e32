package dev.lorafoundry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lorafoundry.api.dto.CursorPage;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.api.error.ErrorResponse;
import dev.lorafoundry.jobs.FineTuningJob;
import dev.lorafoundry.jobs.InvalidJobRequestException;
import dev.lorafoundry.jobs.JobCheckpoint;
import dev.lorafoundry.jobs.JobEvent;
import dev.lorafoundry.jobs.JobEventFeed;
import dev.lorafoundry.jobs.JobPage;
import dev.lorafoundry.jobs.JobRequest;
import dev.lorafoundry.jobs.JobRequestParser;
import dev.lorafoundry.jobs.JobService;
import dev.lorafoundry.jobs.JobStore;
import dev.lorafoundry.jobs.UnknownJobException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * OpenAI's fine-tuning jobs API: create (OpenAI JSON with our {@code lorafoundry} extension, or a LLaMA-Factory YAML),
 * list, retrieve, cancel, events (paged, or followed live as server-sent events) and checkpoints.
 */
@Path("/v1/fine_tuning/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Fine-tuning", description = "LoRA fine-tuning jobs (OpenAI fine-tuning API)")
public class FineTuningJobsResource {

    static final int MAX_LIMIT = 1000;
    private static final YAMLMapper YAML = new YAMLMapper();

    @Inject
    JobService jobs;

    @Inject
    JobStore store;

    @Inject
    JobEventFeed feed;

    @Inject
    ObjectMapper mapper;

    @Inject
    HttpReplies replies;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
    @Operation(summary = "Create a fine-tuning job",
            description = "OpenAI's fields (model, training_file, validation_file, suffix, seed, metadata, hyperparameters,"
                    + " method) plus 'lorafoundry' with LLaMA-Factory's training keys; or a LLaMA-Factory YAML"
                    + " (Content-Type: application/yaml) whose dataset and eval_dataset are file ids.")
    public FineTuningJob create(@HeaderParam("Content-Type") String contentType, String body) {
        boolean yaml = contentType != null && contentType.toLowerCase().contains("yaml");
        JsonNode tree;
        try {
            tree = body == null || body.isBlank() ? null : (yaml ? YAML : mapper).readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "The request body is not valid " + (yaml ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ").");
        }
        JobRequest request = yaml ? JobRequestParser.fromYaml(tree) : JobRequestParser.fromJson(tree);
        return jobs.create(request);
    }

    @GET
    @Operation(summary = "List fine-tuning jobs",
            description = "Newest first; page with 'after' = the previous page's last id; filter with metadata[key]=value.")
    public CursorPage<FineTuningJob> list(@RestQuery String after, @RestQuery String limit, @Context UriInfo uri) {
        Map<String, String> metadata = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((key, values) -> {
            if (key.startsWith("metadata[") && key.endsWith("]") && key.length() > "metadata[]".length()) {
                metadata.put(key.substring("metadata[".length(), key.length() - 1), values.getLast());
            }
        });
        try {
            JobPage<FineTuningJob> page = store.list(Optional.ofNullable(after), limit(limit, 20), metadata);
            return CursorPage.of(page.items(), page.hasMore(), FineTuningJob::id);
        } catch (UnknownJobException e) {
            throw ApiException.invalid("after", "'after' must be the id of a listed job, and '" + e.id()
                    + "' is none: list again without 'after'.");
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe one fine-tuning job")
    public FineTuningJob retrieve(@PathParam("id") String id) {
        return existing(id);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a fine-tuning job",
            description = "A queued job is cancelled at once; a running one stops within one training step.")
    public FineTuningJob cancel(@PathParam("id") String id) {
        return jobs.cancel(id);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.APPLICATION_JSON) // RestMulti sets text/event-stream itself when streaming
    @Blocking // reads Redis before answering; a RestMulti method would otherwise run on the event loop
    @Operation(summary = "A job's events",
            description = "Newest first, paged with 'after'; stream=true follows them live as server-sent events"
                    + " (oldest first) until the job ends, then sends data: [DONE].")
    public RestMulti<Buffer> events(@PathParam("id") String id, @RestQuery String after, @RestQuery String limit,
                                    @RestQuery String stream) {
        existing(id);
        int pageSize = limit(limit, 20);
        if ("true".equalsIgnoreCase(stream)) {
            return replies.sse(feed.follow(id, Optional.ofNullable(after)));
        }
        if (stream != null && !"false".equalsIgnoreCase(stream)) {
            throw ApiException.invalid("stream", "'stream' is true or false, not '" + stream + "'.");
        }
        JobPage<JobEvent> page;
        try {
            page = store.events(id, Optional.ofNullable(after), pageSize);
        } catch (UnknownJobException e) {
            throw ApiException.invalid("after", "'after' must be the id of one of this job's events (ftevent-…), not '"
                    + e.id() + "'.");
        }
        return replies.json(Uni.createFrom().item(CursorPage.of(page.items(), page.hasMore(), JobEvent::id)));
    }

    @GET
    @Path("/{id}/checkpoints")
    @Operation(summary = "A job's checkpoints", description = "Newest first; each is servable by its fine_tuned_model_checkpoint name.")
    public CursorPage<JobCheckpoint> checkpoints(@PathParam("id") String id, @RestQuery String after, @RestQuery String limit) {
        existing(id);
        List<JobCheckpoint> all = store.checkpoints(id);
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(after)) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw ApiException.invalid("after", "'after' must be the id of one of this job's checkpoints, not '" + after + "'.");
            }
        }
        int end = Math.min(all.size(), start + limit(limit, 10));
        return CursorPage.of(all.subList(start, end), end < all.size(), JobCheckpoint::id);
    }

    private FineTuningJob existing(String id) {
        return store.find(id).map(stored -> stored.job()).orElseThrow(() -> new UnknownJobException(id));
    }

    private static int limit(String limit, int fallback) {
        if (limit == null) {
            return fallback;
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

    @ServerExceptionMapper
    public Response invalidJob(InvalidJobRequestException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(ErrorResponse.of(e.getMessage(), "invalid_request_error", e.param(), e.code())).build();
    }

    @ServerExceptionMapper
    public Response unknownJob(UnknownJobException e) {
        return Response.status(404).type(MediaType.APPLICATION_JSON).entity(ErrorResponse.of("No such fine-tuning job: "
                + e.id() + ". GET /v1/fine_tuning/jobs lists the jobs this server has.", "invalid_request_error", "id",
                "job_not_found")).build();
    }
}
