package dev.lorafoundry.adapter;

import dev.lorafoundry.model.lora.LoraWeights;

/** A PEFT adapter read for one base model: its config and its weights in the engine's layout. */
public record LoadedAdapter(AdapterConfig config, LoraWeights weights) {}
