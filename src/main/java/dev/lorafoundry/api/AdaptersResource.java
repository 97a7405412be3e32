package dev.lorafoundry.api;

import dev.lorafoundry.adapter.AdapterArchive;
import dev.lorafoundry.adapter.AdapterConfig;
import dev.lorafoundry.adapter.AdapterEntry;
import dev.lorafoundry.adapter.AdapterException;
import dev.lorafoundry.adapter.AdapterMerger;
import dev.lorafoundry.adapter.AdapterRegistry;
import dev.lorafoundry.adapter.PeftAdapterReader;
import dev.lorafoundry.api.dto.AdapterInfo;
import dev.lorafoundry.api.dto.AdapterList;
import dev.lorafoundry.api.dto.MergeRequest;
import dev.lorafoundry.api.dto.MergeResponse;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.config.LoraFoundryConfig;
import dev.lorafoundry.engine.Engine;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** GET/POST/DELETE /v1/adapters: list, upload (zip or the two PEFT files), describe, delete, pin and merge adapters. */
@Path("/v1/adapters")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Adapters", description = "LoRA adapters served beside the base model")
public class AdaptersResource {

    @Inject
    AdapterRegistry registry;

    @Inject
    Engine engine;

    @Inject
    LoraFoundryConfig config;

    @GET
    @Operation(summary = "List the registered adapters with rank, targets, size, source and whether they are resident")
    public AdapterList list() {
        return new AdapterList("list", registry.list().stream().map(this::info).toList());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Describe one adapter")
    public AdapterInfo get(@PathParam("name") String name) {
        return info(registry.require(name));
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Forget an adapter; uploaded and trained adapters' files are deleted too")
    public Map<String, Object> delete(@PathParam("name") String name) {
        AdapterEntry removed = registry.unregister(name, true);
        return Map.of("id", removed.name(), "object", "adapter", "deleted", true);
    }

    @POST
    @Consumes("application/zip")
    @Operation(summary = "Upload an adapter as a zip holding adapter_config.json and adapter_model.safetensors (?name=…)")
    public AdapterInfo uploadZip(@QueryParam("name") String name, InputStream body) {
        long limit = config.adapters().maxUploadBytes();
        return info(registry.upload(name, folder -> AdapterArchive.unpack(body, folder, limit)));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload an adapter as multipart: name, and adapter_config + adapter_model files (or file = a zip)")
    public AdapterInfo uploadMultipart(@RestForm("name") String name,
                                       @RestForm("adapter_config") FileUpload adapterConfig,
                                       @RestForm("adapter_model") FileUpload adapterModel,
                                       @RestForm("file") FileUpload zip) {
        long limit = config.adapters().maxUploadBytes();
        long size = (adapterConfig == null ? 0 : adapterConfig.size()) + (adapterModel == null ? 0 : adapterModel.size())
                + (zip == null ? 0 : zip.size());
        if (size > limit) {
            throw new AdapterException(AdapterException.Kind.TOO_LARGE, "file", "The upload has " + size
                    + " bytes but lorafoundry.adapters.max-upload-bytes is " + limit + "; raise the limit or upload less");
        }
        if (zip != null) {
            return info(registry.upload(name, folder -> {
                try (InputStream in = Files.newInputStream(zip.uploadedFile())) {
                    AdapterArchive.unpack(in, folder, limit);
                }
            }));
        }
        if (adapterConfig == null || adapterModel == null) {
            throw ApiException.invalid(adapterConfig == null ? "adapter_config" : "adapter_model",
                    "Send both files: 'adapter_config' (adapter_config.json) and 'adapter_model'"
                            + " (adapter_model.safetensors), or one zip as 'file'.");
        }
        return info(registry.upload(name, folder -> {
            Files.copy(adapterConfig.uploadedFile(), folder.resolve(AdapterConfig.FILE_NAME));
            Files.copy(adapterModel.uploadedFile(), folder.resolve(PeftAdapterReader.WEIGHTS_FILE));
        }));
    }

    @POST
    @Path("/{name}/pin")
    @Operation(summary = "Keep the adapter resident: it is never evicted to make room for others")
    public AdapterInfo pin(@PathParam("name") String name) {
        registry.pin(name, true);
        return info(registry.require(name));
    }

    @POST
    @Path("/{name}/unpin")
    @Operation(summary = "Let the adapter be evicted again when it is the least recently used")
    public AdapterInfo unpin(@PathParam("name") String name) {
        registry.pin(name, false);
        return info(registry.require(name));
    }

    @POST
    @Path("/{name}/merge")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Write the base model with this adapter merged in as a Hugging Face model folder")
    public MergeResponse merge(@PathParam("name") String name, MergeRequest request) throws IOException {
        AdapterEntry entry = registry.require(name);
        String folder = request == null || request.name() == null ? name : request.name();
        String problem = dev.lorafoundry.adapter.AdapterNames.problem(folder);
        if (problem != null) {
            throw ApiException.invalid("name", problem.replace("adapter name", "merged model name"));
        }
        java.nio.file.Path out = java.nio.file.Path.of(config.dataDir(), "merged",
                dev.lorafoundry.adapter.AdapterNames.folderName(folder)).toAbsolutePath().normalize();
        if (Files.exists(out)) {
            throw new AdapterException(AdapterException.Kind.CONFLICT, "name", "A merged model already exists at " + out
                    + "; delete it or pass another \"name\"");
        }
        var files = AdapterMerger.merge(engine.modelDir(), engine.modelConfig(), entry.dir(), out);
        return new MergeResponse("merged_model", name, out.toString(), files);
    }

    private AdapterInfo info(AdapterEntry e) {
        return new AdapterInfo(e.name(), "adapter", engine.servedModel().id(), e.config().r(), e.config().loraAlpha(),
                e.config().useRslora(), e.config().useDora(), e.targets(), e.fileBytes(), e.source().label(),
                registry.isResident(e.name()), e.dir().toString(), e.createdAt());
    }
}
