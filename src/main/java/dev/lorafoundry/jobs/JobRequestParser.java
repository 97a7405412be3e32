package dev.lorafoundry.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a create-job body into a {@link JobRequest}: OpenAI's JSON (model, training_file, validation_file, suffix,
 * seed, metadata, hyperparameters, method, and our {@code lorafoundry} object of LLaMA-Factory keys), or a
 * LLaMA-Factory training YAML (model_name_or_path, adapter_name_or_path, dataset and eval_dataset as file ids, and
 * its training keys at the top level). Unknown fields are refused by name, as OpenAI and LLaMA-Factory both do.
 */
public final class JobRequestParser {

    /** LLaMA-Factory keys the {@code lorafoundry} object (and a YAML body) may set; checked by {@link HyperparameterResolver}. */
    public static final Set<String> OPTION_KEYS = Set.of(
            "stage", "finetuning_type", "lora_rank", "lora_alpha", "lora_dropout", "lora_target", "use_rslora",
            "learning_rate", "lr_scheduler_type", "warmup_ratio", "warmup_steps", "weight_decay", "max_grad_norm",
            "per_device_train_batch_size", "gradient_accumulation_steps", "num_train_epochs", "max_steps",
            "cutoff_len", "packing", "train_on_prompt", "mask_history", "save_steps", "eval_steps", "logging_steps",
            "val_size", "neftune_noise_alpha", "gradient_checkpointing", "formatting", "columns", "tags");

    /**
     * LLaMA-Factory YAML keys that steer its own process (paths, workers, precision, reporting) and mean nothing
     * here; accepted so its example files work as they are, and listed in the job's events as ignored.
     */
    static final Set<String> IGNORED_YAML_KEYS = Set.of(
            "do_train", "template", "trust_remote_code", "overwrite_cache", "preprocessing_num_workers",
            "dataloader_num_workers", "output_dir", "plot_loss", "overwrite_output_dir", "save_only_model",
            "report_to", "bf16", "fp16", "pure_bf16", "ddp_timeout", "per_device_eval_batch_size", "eval_strategy",
            "dataset_dir", "max_samples", "run_name", "logging_dir", "flash_attn", "do_eval", "val_size_ratio",
            "tokenized_path", "streaming", "include_num_input_tokens_seen");

    private static final Set<String> JSON_KEYS = Set.of("model", "training_file", "validation_file", "suffix", "seed",
            "metadata", "hyperparameters", "method", "integrations", "lorafoundry");
    private static final Set<String> YAML_OPENAI_KEYS = Set.of("suffix", "seed", "metadata");
    static final int MAX_METADATA = 16;
    static final int MAX_SUFFIX = 40;

    private JobRequestParser() {}

    /** A JSON body (OpenAI's fields plus {@code lorafoundry}). */
    public static JobRequest fromJson(JsonNode body) {
        ObjectNode root = object(body, null, "The request body must be a JSON object with at least 'model' and 'training_file'.");
        refuseUnknown(root, JSON_KEYS, "", "OpenAI's fine-tuning fields or the 'lorafoundry' object");
        JsonNode integrations = root.get("integrations");
        if (integrations != null && !integrations.isNull() && !(integrations.isArray() && integrations.isEmpty())) {
            throw new InvalidJobRequestException("integrations", "This server has no integrations (such as Weights &"
                    + " Biases); leave 'integrations' out and follow the job through GET /v1/fine_tuning/jobs/{id}/events.");
        }
        Hyperparameters top = hyperparameters(root.get("hyperparameters"), "hyperparameters");
        Hyperparameters fromMethod = method(root.get("method"));
        Hyperparameters chosen = merge(top, fromMethod);
        JsonNode extension = root.get("lorafoundry");
        ObjectNode options = extension == null || extension.isNull() ? JsonNodeFactory.instance.objectNode()
                : object(extension, "lorafoundry", "'lorafoundry' must be an object of LLaMA-Factory training keys"
                        + " (e.g. {\"lora_rank\": 16, \"learning_rate\": 0.0002}).");
        refuseUnknown(options, OPTION_KEYS, "lorafoundry", "LLaMA-Factory's training keys");
        return new JobRequest(requiredText(root, "model"), requiredText(root, "training_file"),
                optionalText(root, "validation_file"), suffix(root), seed(root.get("seed"), "seed"),
                metadata(root.get("metadata")), chosen.nEpochs, chosen.batchSize, chosen.multiplier, options,
                "lorafoundry", List.of());
    }

    /** A LLaMA-Factory training YAML, already parsed into a tree. */
    public static JobRequest fromYaml(JsonNode body) {
        ObjectNode root = object(body, null, "The YAML body must be a mapping of LLaMA-Factory training keys"
                + " (model_name_or_path, dataset, stage, finetuning_type, ...).");
        ObjectNode options = JsonNodeFactory.instance.objectNode();
        List<String> ignored = new ArrayList<>();
        Set<String> unknown = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (OPTION_KEYS.contains(key)) {
                options.set(key, field.getValue());
            } else if (IGNORED_YAML_KEYS.contains(key)) {
                ignored.add(key);
            } else if (!Set.of("model_name_or_path", "adapter_name_or_path", "dataset", "eval_dataset",
                    "resume_from_checkpoint").contains(key) && !YAML_OPENAI_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new InvalidJobRequestException(first, "Unknown key(s) " + unknown + " in the LLaMA-Factory YAML. This"
                    + " server reads model_name_or_path, adapter_name_or_path, dataset and eval_dataset (file ids from"
                    + " POST /v1/files), suffix, seed, metadata and the training keys " + new TreeSet<>(OPTION_KEYS) + ".");
        }
        JsonNode resume = root.get("resume_from_checkpoint");
        if (resume != null && !resume.isNull() && !(resume.isBoolean() && !resume.asBoolean())) {
            throw new InvalidJobRequestException("resume_from_checkpoint", "Jobs resume from their own checkpoints"
                    + " after a restart; to continue training an adapter, set adapter_name_or_path to its name instead.");
        }
        String base = requiredText(root, "model_name_or_path");
        String adapter = optionalText(root, "adapter_name_or_path");
        if (adapter != null && adapter.contains(",")) {
            throw new InvalidJobRequestException("adapter_name_or_path", "Name one adapter to continue from, not a list.");
        }
        String dataset = singleFile(root, "dataset", true);
        List<String> notes = ignored.isEmpty() ? List.of() : List.of("Ignored LLaMA-Factory keys that do not apply to"
                + " this server: " + String.join(", ", new TreeSet<>(ignored)) + ".");
        return new JobRequest(adapter != null ? adapter : base, dataset, singleFile(root, "eval_dataset", false),
                suffix(root), seed(root.get("seed"), "seed"), metadata(root.get("metadata")), null, null, null,
                options, "", notes);
    }

    private static String singleFile(ObjectNode root, String key, boolean required) {
        String value = required ? requiredText(root, key) : optionalText(root, key);
        if (value != null && value.contains(",")) {
            throw new InvalidJobRequestException(key, "'" + key + "' must be one file id from POST /v1/files, not a list"
                    + " ('" + value + "'); put all records in one file.");
        }
        return value == null ? null : value.trim();
    }

    /** n_epochs, batch_size, learning_rate_multiplier; null fields mean "auto". */
    private record Hyperparameters(Double nEpochs, Integer batchSize, Double multiplier) {
        static final Hyperparameters AUTO = new Hyperparameters(null, null, null);
    }

    private static Hyperparameters hyperparameters(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return Hyperparameters.AUTO;
        }
        ObjectNode object = object(node, param, "'" + param + "' must be an object with n_epochs, batch_size and"
                + " learning_rate_multiplier (each a number or \"auto\").");
        refuseUnknown(object, Set.of("n_epochs", "batch_size", "learning_rate_multiplier"), param,
                "n_epochs, batch_size and learning_rate_multiplier (set other training keys in 'lorafoundry')");
        Double epochs = autoOrNumber(object.get("n_epochs"), param + ".n_epochs");
        if (epochs != null && (epochs < 1 || epochs > 50 || epochs != Math.floor(epochs))) {
            throw new InvalidJobRequestException(param + ".n_epochs", "'n_epochs' must be a whole number from 1 to 50"
                    + " or \"auto\", not " + number(epochs) + " (for fractional epochs set lorafoundry.num_train_epochs).");
        }
        Double batch = autoOrNumber(object.get("batch_size"), param + ".batch_size");
        if (batch != null && (batch < 1 || batch > 256 || batch != Math.floor(batch))) {
            throw new InvalidJobRequestException(param + ".batch_size", "'batch_size' must be a whole number from 1 to"
                    + " 256 or \"auto\", not " + number(batch) + ".");
        }
        Double multiplier = autoOrNumber(object.get("learning_rate_multiplier"), param + ".learning_rate_multiplier");
        if (multiplier != null && !(multiplier > 0 && multiplier <= 100)) {
            throw new InvalidJobRequestException(param + ".learning_rate_multiplier", "'learning_rate_multiplier' must"
                    + " be above 0 and at most 100, or \"auto\", not " + number(multiplier) + ".");
        }
        return new Hyperparameters(epochs, batch == null ? null : batch.intValue(), multiplier);
    }

    private static Hyperparameters method(JsonNode node) {
        if (node == null || node.isNull()) {
            return Hyperparameters.AUTO;
        }
        ObjectNode method = object(node, "method", "'method' must be an object such as {\"type\": \"supervised\"}.");
        String type = method.path("type").asText("");
        if (!type.equals("supervised")) {
            throw new InvalidJobRequestException("method.type", "This server runs supervised fine-tuning only"
                    + " ('method.type': 'supervised'), not '" + type + "'. For pre-training on plain text set"
                    + " lorafoundry.stage to 'pt'.");
        }
        refuseUnknown(method, Set.of("type", "supervised"), "method", "'type' and 'supervised'");
        JsonNode supervised = method.get("supervised");
        if (supervised == null || supervised.isNull()) {
            return Hyperparameters.AUTO;
        }
        ObjectNode object = object(supervised, "method.supervised", "'method.supervised' must be an object with 'hyperparameters'.");
        refuseUnknown(object, Set.of("hyperparameters"), "method.supervised", "'hyperparameters'");
        return hyperparameters(object.get("hyperparameters"), "method.supervised.hyperparameters");
    }

    private static Hyperparameters merge(Hyperparameters top, Hyperparameters method) {
        return new Hyperparameters(
                pick(top.nEpochs, method.nEpochs, "n_epochs"),
                pick(top.batchSize, method.batchSize, "batch_size"),
                pick(top.multiplier, method.multiplier, "learning_rate_multiplier"));
    }

    private static <T> T pick(T top, T method, String name) {
        if (top != null && method != null && !top.equals(method)) {
            throw new InvalidJobRequestException("method.supervised.hyperparameters." + name, "'hyperparameters." + name
                    + "' (" + top + ") and 'method.supervised.hyperparameters." + name + "' (" + method + ") disagree;"
                    + " send it in one place (OpenAI prefers 'method').");
        }
        return method != null ? method : top;
    }

    private static Double autoOrNumber(JsonNode value, String param) {
        if (value == null || value.isNull() || (value.isTextual() && value.asText().equals("auto"))) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidJobRequestException(param, "'" + param + "' must be a number or \"auto\", not " + value + ".");
        }
        return value.asDouble();
    }

    private static String suffix(ObjectNode root) {
        String suffix = optionalText(root, "suffix");
        if (suffix == null || suffix.isEmpty()) {
            return null;
        }
        if (suffix.length() > MAX_SUFFIX || !suffix.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new InvalidJobRequestException("suffix", "'suffix' must be 1 to " + MAX_SUFFIX + " letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit (it becomes part of the model name), not '" + suffix + "'.");
        }
        return suffix;
    }

    private static Long seed(JsonNode value, String param) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > Integer.MAX_VALUE) {
            throw new InvalidJobRequestException(param, "'seed' must be a whole number from 0 to " + Integer.MAX_VALUE
                    + ", not " + value + ".");
        }
        return value.asLong();
    }

    private static Map<String, String> metadata(JsonNode value) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return metadata;
        }
        ObjectNode object = object(value, "metadata", "'metadata' must be an object of up to " + MAX_METADATA
                + " string keys and string values.");
        if (object.size() > MAX_METADATA) {
            throw new InvalidJobRequestException("metadata", "'metadata' has " + object.size() + " keys; at most "
                    + MAX_METADATA + " are allowed.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().isEmpty() || field.getKey().length() > 64) {
                throw new InvalidJobRequestException("metadata", "metadata keys must have 1 to 64 characters, not '"
                        + field.getKey() + "'.");
            }
            if (!field.getValue().isTextual() || field.getValue().asText().length() > 512) {
                throw new InvalidJobRequestException("metadata." + field.getKey(), "metadata values must be strings of"
                        + " at most 512 characters; '" + field.getKey() + "' is " + field.getValue() + ".");
            }
            metadata.put(field.getKey(), field.getValue().asText());
        }
        return metadata;
    }

    private static ObjectNode object(JsonNode node, String param, String message) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new InvalidJobRequestException(param, message);
    }

    private static void refuseUnknown(ObjectNode object, Set<String> known, String parent, String what) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String param = parent.isEmpty() ? name : parent + "." + name;
                throw new InvalidJobRequestException(param, "Unrecognized field '" + param + "'; "
                        + (parent.isEmpty() ? "this endpoint" : "'" + parent + "'") + " takes " + what + ": "
                        + new TreeSet<>(known) + ".");
            }
        }
    }

    private static String requiredText(ObjectNode root, String key) {
        String value = optionalText(root, key);
        if (value == null || value.isBlank()) {
            throw new InvalidJobRequestException(key, "Missing '" + key + "'" + switch (key) {
                case "model", "model_name_or_path" -> ": name the base model (GET /v1/models) or an adapter to continue training.";
                case "training_file", "dataset" -> ": upload the training data with POST /v1/files (purpose 'fine-tune') and pass its id.";
                default -> ".";
            });
        }
        return value.trim();
    }

    private static String optionalText(ObjectNode root, String key) {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidJobRequestException(key, "'" + key + "' must be a string, not " + value + ".");
        }
        return value.asText();
    }

    private static String number(double value) {
        return value == Math.floor(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
