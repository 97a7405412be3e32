package dev.lorafoundry.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the service under test at a tiny random-weight Hugging Face model written for the test run. */
public class TinyModelResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        // TODO(integrator): write a random model with dev.lorafoundry.model.RandomModelWriter into a temp dir
        // (tokenizer.json, tokenizer_config.json with a chat_template, config.json, model.safetensors) and return it.
        return Map.of("lorafoundry.model.path", "target/tiny-random-model");
    }

    @Override
    public void stop() {
        // TODO(integrator): delete the temp dir written by start().
    }
}
