package dev.lorafoundry.api;

import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.adapter.AdapterSource;
import dev.lorafoundry.api.dto.LoadLoraAdapterRequest;
import dev.lorafoundry.api.dto.UnloadLoraAdapterRequest;
import dev.lorafoundry.api.error.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** vLLM's dynamic LoRA endpoints: register an adapter folder by path, or forget one. Answers are plain text, as vLLM's. */
@Path("/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.TEXT_PLAIN)
@Tag(name = "Adapters", description = "LoRA adapters served beside the base model")
public class LoraAdapterResource {

    @Inject
    AdapterRegistry registry;

    @POST
    @Path("load_lora_adapter")
    @Operation(summary = "Register the PEFT adapter folder at lora_path (on the server) as lora_name")
    public String load(LoadLoraAdapterRequest request) {
        if (request == null || request.loraName() == null || request.loraPath() == null) {
            throw ApiException.invalid(request == null || request.loraName() == null ? "lora_name" : "lora_path",
                    "Both 'lora_name' and 'lora_path' are required.");
        }
        registry.register(request.loraName(), java.nio.file.Path.of(request.loraPath()).toAbsolutePath().normalize(),
                AdapterSource.PATH, false);
        if (Boolean.TRUE.equals(request.pinned())) {
            registry.pin(request.loraName(), true);
        }
        return "Success: LoRA adapter '" + request.loraName() + "' added successfully.";
    }

    @POST
    @Path("unload_lora_adapter")
    @Operation(summary = "Forget the adapter lora_name (its files stay where they are)")
    public String unload(UnloadLoraAdapterRequest request) {
        if (request == null || request.loraName() == null) {
            throw ApiException.invalid("lora_name", "'lora_name' is required.");
        }
        registry.unregister(request.loraName(), false);
        return "Success: LoRA adapter '" + request.loraName() + "' removed successfully.";
    }
}
