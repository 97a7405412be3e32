package dev.lorafoundry.adapter;

import java.nio.file.Path;
import java.util.List;

/**
 * A registered adapter: where its files are and what its config says (weights are read on first use).
 *
 * @param name       the name requests select it by
 * @param dir        the folder with adapter_config.json and adapter_model.safetensors
 * @param config     the parsed adapter_config.json
 * @param targets    the module names it adapts ({@code q_proj}, …)
 * @param fileBytes  size of the weights file
 * @param source     how it was registered
 * @param ownedFiles true when the folder belongs to the service (uploads, trained), so deleting the adapter deletes it
 * @param createdAt  registration time, epoch seconds
 */
public record AdapterEntry(String name, Path dir, AdapterConfig config, List<String> targets, long fileBytes,
                           AdapterSource source, boolean ownedFiles, long createdAt) {}
