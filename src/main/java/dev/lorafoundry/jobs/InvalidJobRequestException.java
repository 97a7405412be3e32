package dev.lorafoundry.jobs;

/** A job request the server refuses (HTTP 400, or 404 for an unknown model), naming the field at fault and what to send instead. */
public class InvalidJobRequestException extends RuntimeException {

    private final int status;
    private final String param;
    private final String code;

    public InvalidJobRequestException(String param, String message) {
        this(400, param, null, message);
    }

    public InvalidJobRequestException(int status, String param, String code, String message) {
        super(message);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    /** 400, or 404 for a model that does not exist. */
    public int status() {
        return status;
    }

    /** The request field at fault, e.g. {@code hyperparameters.n_epochs} or {@code lorafoundry.lora_rank}. */
    public String param() {
        return param;
    }

    /** A machine-readable reason, or null. */
    public String code() {
        return code;
    }
}
