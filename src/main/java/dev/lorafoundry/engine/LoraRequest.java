package dev.lorafoundry.engine;

import dev.lorafoundry.model.lora.PreparedLora;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The LoRA adapter a request runs with.
 *
 * @param name    the adapter's name, the engine's residency key
 * @param weights starts (or joins) loading the adapter's weights off the engine thread; called only when the adapter
 *                is not resident, so weights that were evicted are read again from their source
 */
public record LoraRequest(String name, Supplier<CompletableFuture<PreparedLora>> weights) {}
