package dev.lorafoundry.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A create-job request as the client sent it, JSON or LLaMA-Factory YAML, before anything was resolved.
 *
 * @param model                  base model id, or an adapter to continue training
 * @param trainingFile           file id
 * @param validationFile         file id or null
 * @param suffix                 user's suffix for the fine-tuned model name, or null
 * @param seed                   or null for a random one
 * @param metadata               up to 16 string pairs
 * @param nEpochs                OpenAI's n_epochs, null for "auto"
 * @param batchSize              OpenAI's batch_size, null for "auto"
 * @param learningRateMultiplier OpenAI's learning_rate_multiplier, null for "auto"
 * @param options                LLaMA-Factory keys (the {@code lorafoundry} object, or the YAML's training keys)
 * @param optionsParam           how error messages name the options' parent ("lorafoundry", or "" for YAML)
 * @param notes                  things the user should know about how the request was read (ignored YAML keys)
 */
public record JobRequest(
        String model,
        String trainingFile,
        String validationFile,
        String suffix,
        Long seed,
        Map<String, String> metadata,
        Double nEpochs,
        Integer batchSize,
        Double learningRateMultiplier,
        ObjectNode options,
        String optionsParam,
        List<String> notes) {

    /** The request field name of an option, e.g. {@code lorafoundry.lora_rank}. */
    public String optionParam(String key) {
        return optionsParam.isEmpty() ? key : optionsParam + "." + key;
    }
}
