package dev.lorafoundry.api.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.lorafoundry.adapter.AdapterException;
import dev.lorafoundry.adapter.AdapterFormatException;
import dev.lorafoundry.engine.EngineOverloadedException;
import dev.lorafoundry.tokenizer.ChatTemplateException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure a resource can raise into the OpenAI error JSON, so no HTML or text error page ever reaches a client. */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return json(e.status(), e.toResponse());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return json(400, ErrorResponse.of(
                "The request body is not valid JSON: " + e.getOriginalMessage() + ". Send a JSON object.",
                "invalid_request_error", null, null));
    }

    /** Wrong field types (a string where a number belongs, a list where an object belongs...): Jackson knows the field path. */
    @ServerExceptionMapper
    public Response wrongFieldType(JsonMappingException e) {
        String param = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String where = param.isEmpty() ? "the request body" : "'" + param + "'";
        return json(400, ErrorResponse.of(
                "Invalid value for " + where + ": " + e.getOriginalMessage(),
                "invalid_request_error", param.isEmpty() ? null : param, null));
    }

    /** Jackson's most specific exceptions, mapped explicitly so Quarkus' built-in mappers (plain 400s) never win. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response mismatchedInput(MismatchedInputException e) {
        return wrongFieldType(e);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response invalidFormat(InvalidFormatException e) {
        return wrongFieldType(e);
    }

    @ServerExceptionMapper
    public Response otherJson(JsonProcessingException e) {
        return json(400, ErrorResponse.of("The request body could not be read: " + e.getOriginalMessage(),
                "invalid_request_error", null, null));
    }

    @ServerExceptionMapper
    public Response overloaded(EngineOverloadedException e) {
        return json(429, ErrorResponse.of(e.getMessage() + " Retry the request later.", "server_overloaded", null, "overloaded"));
    }

    @ServerExceptionMapper
    public Response adapter(AdapterException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
            case TOO_LARGE -> 413;
        };
        String type = status == 404 ? "not_found_error" : "invalid_request_error";
        String code = switch (e.kind()) {
            case NOT_FOUND -> "adapter_not_found";
            case CONFLICT -> "adapter_exists";
            case TOO_LARGE -> "upload_too_large";
            case INVALID -> null;
        };
        return json(status, ErrorResponse.of(e.getMessage(), type, e.param(), code));
    }

    /** A broken adapter (bad tensor, shape, config): the message names the file and the tensor. */
    @ServerExceptionMapper
    public Response adapterFormat(AdapterFormatException e) {
        return json(400, ErrorResponse.of("The adapter cannot be used: " + e.getMessage(), "invalid_request_error",
                null, "invalid_adapter"));
    }

    @ServerExceptionMapper
    public Response chatTemplate(ChatTemplateException e) {
        return json(400, ErrorResponse.of("The chat template rejected the messages: " + e.getMessage(),
                "invalid_request_error", "messages", null));
    }

    /** JAX-RS' own errors: unknown path (404), wrong method (405), unsupported media type (415), not acceptable (406). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        // The JSON reader wraps Jackson's exceptions: answer with the field-level message instead of "HTTP 400".
        switch (e.getCause()) {
            case JsonParseException parse -> {
                return malformedJson(parse);
            }
            case JsonMappingException mapping -> {
                return wrongFieldType(mapping);
            }
            case null, default -> {
            }
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String message = switch (status) {
            case 404 -> "No such endpoint. See /q/openapi for the available paths.";
            case 405 -> "This endpoint does not accept that HTTP method. See /q/openapi for the allowed methods.";
            case 406 -> "This endpoint answers application/json (or text/event-stream when streaming); adjust the Accept header.";
            case 413 -> "The request body is larger than this server accepts (quarkus.http.limits.max-body-size); uploaded"
                    + " files may be at most lorafoundry.files.max-bytes. Split the data into smaller files.";
            case 415 -> "Send the request body as JSON with Content-Type: application/json"
                    + " (file uploads to /v1/files: multipart/form-data with 'file' and 'purpose').";
            default -> e.getMessage();
        };
        return json(status, ErrorResponse.of(message, status == 404 ? "not_found_error" : "invalid_request_error", null, null));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected error while handling a request", e);
        return json(500, ErrorResponse.of("The server failed to handle the request; the cause was logged. Retry, and report it if it persists.",
                "server_error", null, null));
    }

    private static Response json(int status, ErrorResponse body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
