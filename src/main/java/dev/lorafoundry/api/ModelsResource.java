package dev.lorafoundry.api;

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

    @GET
    @Operation(summary = "List the served models")
    public ModelList list() {
        return new ModelList("list", List.of(card(engine.servedModel())));
    }

    @GET
    @Path("/{id: .+}") // ids may contain slashes (org/name)
    @Operation(summary = "Describe one served model")
    public ModelCard get(@PathParam("id") String id) {
        ServedModel served = engine.servedModel();
        if (!served.id().equals(id)) {
            throw ApiException.modelNotFound(id, served.id());
        }
        return card(served);
    }

    private static ModelCard card(ServedModel model) {
        return new ModelCard(model.id(), "model", model.created(), "lorafoundry", model.id(), null, model.maxModelLen());
    }
}
