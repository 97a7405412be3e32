package dev.lorafoundry.api.error;

/** A request the API refuses, carrying everything the OpenAI error body needs. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 for a field the client got wrong; {@code param} names the field. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    /** 404 for a {@code model} this server does not serve. */
    public static ApiException modelNotFound(String model, String servedId) {
        return new ApiException(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist; this server serves '" + servedId + "' (see GET /v1/models).");
    }

    public int status() {
        return status;
    }

    public ErrorResponse toResponse() {
        return ErrorResponse.of(getMessage(), type, param, code);
    }
}
