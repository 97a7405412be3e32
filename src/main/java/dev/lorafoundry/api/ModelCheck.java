package dev.lorafoundry.api;

import dev.lorafoundry.adapter.AdapterEntry;
import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.LoraRequest;
import dev.lorafoundry.engine.ServedModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Resolves a request's {@code model} (and LoRAX's {@code adapter_id}) to the base model or one adapter: the base id
 * or nothing means no adapter; an adapter's name, or {@code base:adapter}, selects that adapter.
 */
@ApplicationScoped
public class ModelCheck {

    @Inject
    Engine engine;

    @Inject
    AdapterRegistry adapters;

    /** The adapter to run with, or null for the base model; 404 for anything unknown. */
    public LoraRequest resolve(String model, String adapterId) {
        ServedModel served = engine.servedModel();
        String adapterName = null;
        if (model != null && !model.equals(served.id())) {
            if (model.startsWith(served.id() + ":") && adapters.find(model).isEmpty()) {
                adapterName = model.substring(served.id().length() + 1);
            } else {
                adapterName = model;
            }
            if (adapters.find(adapterName).isEmpty()) {
                throw notFound(model, "model");
            }
        }
        if (adapterId != null && !adapterId.isEmpty()) {
            if (adapterName != null && !adapterName.equals(adapterId)) {
                throw ApiException.invalid("adapter_id", "'adapter_id' (" + adapterId + ") and 'model' (" + model
                        + ") name different adapters; send one of them");
            }
            if (adapters.find(adapterId).isEmpty()) {
                throw notFound(adapterId, "adapter_id");
            }
            adapterName = adapterId;
        }
        Optional<AdapterEntry> entry = adapters.find(adapterName);
        return entry.map(adapters::request).orElse(null);
    }

    /** For endpoints that only use the tokenizer: the base id or any adapter name is fine (they share it). */
    public void requireKnown(String model) {
        resolve(model, null);
    }

    private ApiException notFound(String name, String param) {
        String known = adapters.names().isEmpty() ? "" : " or one of its adapters (" + String.join(", ", adapters.names()) + ")";
        return new ApiException(404, "invalid_request_error", param, "model_not_found", "The model '" + name
                + "' does not exist; this server serves '" + engine.servedModel().id() + "'" + known
                + " (see GET /v1/models).");
    }
}
