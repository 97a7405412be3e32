package dev.lorafoundry.api.error;

/** The OpenAI error envelope: {@code {"error":{"message","type","param","code"}}}; param and code may be null. */
public record ErrorResponse(Body error) {

    /** The fields inside {@code error}. */
    public record Body(String message, String type, String param, String code) {}

    public static ErrorResponse of(String message, String type, String param, String code) {
        return new ErrorResponse(new Body(message, type, param, code));
    }
}
