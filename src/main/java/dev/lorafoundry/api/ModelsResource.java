package dev.lorafoundry.api;

import dev.lorafoundry.adapter.AdapterEntry;
import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.api.dto.ModelCard;
import dev.lorafoundry.api.dto.ModelList;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.engine.ServedModel;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /v1/models: the models this server answers for. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "Models served by this instance")
public class ModelsResource {

    @Inject
    Engine engine;

    @Inject
    AdapterRegistry adapters;

    @GET
    @Operation(summary = "List the served models: the base model and every registered adapter (parent = the base)")
    public ModelList list() {
        List<ModelCard> cards = new java.util.ArrayList<>();
        cards.add(card(engine.servedModel()));
        adapters.list().forEach(a -> cards.add(adapterCard(a)));
        return new ModelList("list", cards);
    }

    @GET
    @Path("/{id: .+}") // ids may contain slashes (org/name)
    @Operation(summary = "Describe one served model")
    public ModelCard get(@PathParam("id") String id) {
        ServedModel served = engine.servedModel();
        if (served.id().equals(id)) {
            return card(served);
        }
        return adapters.find(id).map(this::adapterCard).orElseThrow(() -> ApiException.modelNotFound(id, served.id()));
    }

    private ModelCard adapterCard(AdapterEntry adapter) {
        ServedModel base = engine.servedModel();
        return new ModelCard(adapter.name(), "model", adapter.createdAt(), "lorafoundry", adapter.dir().toString(),
                base.id(), base.maxModelLen());
    }

    private static ModelCard card(ServedModel model) {
        return new ModelCard(model.id(), "model", model.created(), "lorafoundry", model.id(), null, model.maxModelLen());
    }
}
