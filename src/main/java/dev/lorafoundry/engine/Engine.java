package dev.lorafoundry.engine;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;

/** The only owner of the model weights and the device: everything else submits work to it. */
public class Engine {

    public ServedModel servedModel() {
        throw new UnsupportedOperationException("contract stub");
    }

    public Tokenizer tokenizer() {
        throw new UnsupportedOperationException("contract stub");
    }

    public ChatTemplate chatTemplate() {
        throw new UnsupportedOperationException("contract stub");
    }

    /** Queues a sequence; throws {@link EngineOverloadedException} when the queue is full. */
    public GenerationHandle submit(GenerationRequest request) {
        throw new UnsupportedOperationException("contract stub");
    }
}
