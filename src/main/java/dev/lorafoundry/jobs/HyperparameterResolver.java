package dev.lorafoundry.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorafoundry.training.data.DatasetFormat;
import dev.lorafoundry.training.data.DatasetException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link JobRequest} into the {@link JobSettings} a job trains with, checking every value. OpenAI's
 * {@code "auto"} and everything left out become these LoRA defaults (LLaMA-Factory's, where it has one):
 * <ul>
 *   <li>{@code n_epochs} auto: 3 ({@code num_train_epochs});</li>
 *   <li>{@code batch_size} auto: min(8, training examples); a batch of B runs as micro-batches of the largest
 *       divisor of B up to {@value #MAX_MICRO_BATCH} ({@code per_device_train_batch_size}) times
 *       {@code gradient_accumulation_steps};</li>
 *   <li>{@code learning_rate_multiplier} auto: 1, times a base LoRA learning rate of {@value #BASE_LEARNING_RATE};</li>
 *   <li>LoRA rank 8, alpha 2·rank, dropout 0, all linear layers ({@code lora_target: all}); continuing an adapter
 *       keeps its rank, alpha, rsLoRA and targets;</li>
 *   <li>cosine schedule, warm-up ratio 0.1, no weight decay, gradient norm clipped to 1.0;</li>
 *   <li>{@code cutoff_len} min(2048, the model's length); a checkpoint every {@value #DEFAULT_SAVE_STEPS} steps
 *       ({@code save_steps}: a restarted job resumes from the last one); a metrics event every step.</li>
 * </ul>
 * The {@code lorafoundry} object sets any of these by LLaMA-Factory's names; setting one both there and as an OpenAI
 * hyperparameter is refused rather than guessed.
 */
public final class HyperparameterResolver {

    static final double BASE_LEARNING_RATE = 1e-4;
    static final int MAX_MICRO_BATCH = 4;
    static final int DEFAULT_SAVE_STEPS = 50;
    static final int DEFAULT_EPOCHS = 3;
    static final int AUTO_MAX_BATCH = 8;
    static final int DEFAULT_CUTOFF = 2048;
    private static final Set<String> MODULES = Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** The LoRA shape of an adapter training continues from. */
    public record InitialAdapter(String name, int rank, double alpha, boolean useRslora, List<String> targets) {}

    /** What a job trains with, and OpenAI's view of the same numbers. */
    public record Resolved(JobSettings settings, FineTuningJob.Hyperparameters hyperparameters) {}

    private final JobRequest request;
    private final ObjectNode options;

    private HyperparameterResolver(JobRequest request) {
        this.request = request;
        this.options = request.options();
    }

    /**
     * @param trainingExamples usable records in the training file (for batch_size "auto")
     * @param maxModelLen      the served model's longest sequence
     * @param initial          the adapter to continue from, or null
     */
    public static Resolved resolve(JobRequest request, int trainingExamples, int maxModelLen, InitialAdapter initial) {
        return new HyperparameterResolver(request).resolve(trainingExamples, maxModelLen, initial);
    }

    private Resolved resolve(int trainingExamples, int maxModelLen, InitialAdapter initial) {
        String stage = choice("stage", "sft", List.of("sft", "pt"), "this server trains supervised (sft) and"
                + " pre-training (pt) LoRA adapters");
        choice("finetuning_type", "lora", List.of("lora"), "this server trains LoRA adapters on its resident base model;"
                + " full and freeze tuning would need a second copy of the model");
        if (initial != null && has("lora_rank") && integer("lora_rank", 0, 1, 1024) != initial.rank()) {
            throw invalid("lora_rank", "Training continues the adapter '" + initial.name() + "', whose rank is "
                    + initial.rank() + "; leave lora_rank out or set it to " + initial.rank() + ".");
        }
        int rank = initial != null ? initial.rank() : integer("lora_rank", 8, 1, 1024);
        double alpha = number("lora_alpha", initial != null ? initial.alpha() : 2.0 * rank, 1e-6, 1e6);
        double dropout = number("lora_dropout", 0, 0, 0.999);
        List<String> targets = initial != null && !has("lora_target") ? initial.targets() : targets();
        boolean rslora = bool("use_rslora", initial != null && initial.useRslora());

        double learningRate;
        double multiplier;
        if (has("learning_rate")) {
            conflict("learning_rate", request.learningRateMultiplier(), "learning_rate_multiplier");
            learningRate = number("learning_rate", 0, 1e-12, 1);
            multiplier = learningRate / BASE_LEARNING_RATE;
        } else {
            multiplier = request.learningRateMultiplier() == null ? 1.0 : request.learningRateMultiplier();
            learningRate = BASE_LEARNING_RATE * multiplier;
        }
        String scheduler = choice("lr_scheduler_type", "cosine", List.of("cosine", "linear", "constant"),
                "these are the schedules the trainer has");
        double warmupRatio = number("warmup_ratio", 0.1, 0, 1);
        int warmupSteps = integer("warmup_steps", 0, 0, 1_000_000);
        double weightDecay = number("weight_decay", 0, 0, 10);
        double maxGradNorm = number("max_grad_norm", 1.0, 0, 1e6);

        int microBatch;
        int accumulation;
        if (has("per_device_train_batch_size") || has("gradient_accumulation_steps")) {
            conflict(has("per_device_train_batch_size") ? "per_device_train_batch_size" : "gradient_accumulation_steps",
                    request.batchSize(), "batch_size");
            microBatch = integer("per_device_train_batch_size", 1, 1, 256);
            accumulation = integer("gradient_accumulation_steps", 1, 1, 1024);
        } else {
            int batch = request.batchSize() != null ? request.batchSize() : Math.max(1, Math.min(AUTO_MAX_BATCH, trainingExamples));
            microBatch = largestDivisorUpTo(batch, MAX_MICRO_BATCH);
            accumulation = batch / microBatch;
        }
        double epochs;
        if (has("num_train_epochs")) {
            conflict("num_train_epochs", request.nEpochs(), "n_epochs");
            epochs = number("num_train_epochs", 0, 1e-6, 1000);
        } else {
            epochs = request.nEpochs() != null ? request.nEpochs() : DEFAULT_EPOCHS;
        }
        int maxSteps = integer("max_steps", 0, 0, 10_000_000);
        int cutoff = integer("cutoff_len", Math.min(DEFAULT_CUTOFF, maxModelLen), 1, maxModelLen);
        int saveSteps = integer("save_steps", DEFAULT_SAVE_STEPS, 0, 10_000_000);
        int evalSteps = integer("eval_steps", 0, 0, 10_000_000);
        int loggingSteps = integer("logging_steps", 1, 1, 10_000_000);
        double valSize = number("val_size", 0, 0, 1e9);
        if (valSize >= 1 && valSize != Math.floor(valSize)) {
            throw invalid("val_size", "'val_size' is a fraction below 1 or a whole number of records, not " + valSize + ".");
        }
        String formatting = null;
        if (has("formatting")) {
            try {
                formatting = DatasetFormat.parse(text("formatting")).name().toLowerCase(Locale.ROOT);
            } catch (DatasetException e) {
                throw invalid("formatting", e.getMessage() + ".");
            }
        }
        JsonNode columns = objectOrNull("columns");
        JsonNode tags = objectOrNull("tags");
        JobSettings settings = new JobSettings(stage, "lora", initial == null ? null : initial.name(), rank, alpha,
                dropout, targets, rslora, learningRate, scheduler, warmupRatio, warmupSteps, weightDecay, maxGradNorm,
                microBatch, accumulation, epochs, maxSteps, cutoff, bool("packing", false), bool("train_on_prompt", false),
                bool("mask_history", false), saveSteps, evalSteps, loggingSteps, valSize,
                number("neftune_noise_alpha", 0, 0, 1e4), bool("gradient_checkpointing", false), formatting, columns, tags);
        return new Resolved(settings, new FineTuningJob.Hyperparameters(epochs, microBatch * accumulation, multiplier));
    }

    private static int largestDivisorUpTo(int value, int limit) {
        for (int d = Math.min(value, limit); d > 1; d--) {
            if (value % d == 0) {
                return d;
            }
        }
        return 1;
    }

    private List<String> targets() {
        if (!has("lora_target")) {
            return List.of("all");
        }
        JsonNode value = options.get("lora_target");
        List<String> names = new ArrayList<>();
        if (value.isTextual()) {
            for (String part : value.asText().split(",")) {
                if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
        } else if (value.isArray()) {
            value.forEach(v -> names.add(v.isTextual() ? v.asText() : v.toString()));
        } else {
            throw invalid("lora_target", "'lora_target' is \"all\", a comma-separated string or a list of module names, not " + value + ".");
        }
        if (names.isEmpty()) {
            throw invalid("lora_target", "'lora_target' names no module; use \"all\" or some of " + MODULES + ".");
        }
        if (names.contains("all")) {
            if (names.size() > 1) {
                throw invalid("lora_target", "'all' already means every linear layer; send \"all\" alone or a list of module names.");
            }
            return List.of("all");
        }
        for (String name : names) {
            if (!MODULES.contains(name)) {
                throw invalid("lora_target", "Unknown module '" + name + "' in lora_target; the base model's linear"
                        + " layers are " + List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
                        + " (or \"all\").");
            }
        }
        return List.copyOf(new LinkedHashSet<>(names));
    }

    private void conflict(String option, Object openAiValue, String openAiName) {
        if (openAiValue != null) {
            throw invalid(option, "Both '" + openAiName + "' (OpenAI's hyperparameter) and '"
                    + request.optionParam(option) + "' were given; they set the same thing, so send only one.");
        }
    }

    private boolean has(String key) {
        JsonNode value = options.get(key);
        return value != null && !value.isNull();
    }

    private String text(String key) {
        JsonNode value = options.get(key);
        if (!value.isTextual()) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be a string, not " + value + ".");
        }
        return value.asText();
    }

    private String choice(String key, String fallback, List<String> allowed, String why) {
        if (!has(key)) {
            return fallback;
        }
        String value = text(key).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be " + String.join(" or ", allowed)
                    + ", not '" + value + "': " + why + ".");
        }
        return value;
    }

    private int integer(String key, int fallback, int min, int max) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = options.get(key);
        if (!value.isNumber() || value.asDouble() != Math.floor(value.asDouble()) || value.asDouble() < min || value.asDouble() > max) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be a whole number from " + min + " to " + max
                    + ", not " + value + ".");
        }
        return value.asInt();
    }

    private double number(String key, double fallback, double min, double max) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = options.get(key);
        if (value.isTextual() && request.optionsParam().isEmpty()) {
            // YAML 1.1 reads 1e-4 (no dot) as a string; LLaMA-Factory's parser takes it as a number, so do we.
            try {
                value = com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.parseDouble(value.asText().trim()));
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        if (!value.isNumber() || !(value.asDouble() >= min && value.asDouble() <= max)) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be a number from " + min + " to " + max
                    + ", not " + value + ".");
        }
        return value.asDouble();
    }

    private boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode value = options.get(key);
        if (!value.isBoolean()) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be true or false, not " + value + ".");
        }
        return value.asBoolean();
    }

    private JsonNode objectOrNull(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode value = options.get(key);
        if (!value.isObject()) {
            throw invalid(key, "'" + request.optionParam(key) + "' must be an object as in dataset_info.json, not " + value + ".");
        }
        return value;
    }

    private InvalidJobRequestException invalid(String key, String message) {
        return new InvalidJobRequestException(request.optionParam(key), message);
    }
}
