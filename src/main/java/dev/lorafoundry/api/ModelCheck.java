package dev.lorafoundry.api;

import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.ServedModel;

/** Checks the {@code model} field of a request against the model this server serves. */
final class ModelCheck {

    private ModelCheck() {}

    /** Absent means "the served model" (there is only one); anything else must match its id exactly. */
    static void requireServed(String model, ServedModel served) {
        if (model != null && !model.equals(served.id())) {
            throw ApiException.modelNotFound(model, served.id());
        }
    }
}
