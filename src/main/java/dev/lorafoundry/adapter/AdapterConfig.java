package dev.lorafoundry.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.model.ModelConfig;
import dev.lorafoundry.model.lora.ProjectionKind;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT {@code adapter_config.json} of type LORA, with PEFT 0.21's semantics for which modules are adapted
 * ({@code target_modules}, {@code exclude_modules}, {@code layers_to_transform}, {@code layers_pattern}) and with
 * which rank and alpha ({@code rank_pattern}, {@code alpha_pattern}, {@code use_rslora}).
 *
 * @param file              the config file, for messages
 * @param r                 default rank
 * @param loraAlpha         default alpha
 * @param layersToTransform layer indexes to adapt, or null for all (only with a list of target modules)
 * @param layersPattern     names of the layer list to take the index from (null or empty: the first numbered segment)
 * @param rankPattern       regex key → rank, in file order (the first matching key wins)
 * @param alphaPattern      regex key → alpha, in file order
 */
public record AdapterConfig(Path file, int r, double loraAlpha, boolean useRslora, boolean useDora,
        ModuleSelector targetModules, ModuleSelector excludeModules, List<Integer> layersToTransform,
        List<String> layersPattern, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern) {

    public static final String FILE_NAME = "adapter_config.json";
    /** PEFT's own default target_modules for llama, qwen2, qwen3 and mistral, used when the field is null. */
    static final List<String> PEFT_DEFAULT_TARGETS = List.of("q_proj", "v_proj");

    private static final Logger LOG = Logger.getLogger(AdapterConfig.class);
    private static final Pattern FIRST_INDEX = Pattern.compile(".*?\\.[^.]*\\.(?<idx>\\d+)\\.");

    /**
     * Fields whose non-default values change what the adapter computes or holds, which we do not implement: refused
     * rather than ignored. (Initialisation, dropout and training-only options do not change a trained adapter's
     * forward pass and are accepted.)
     */
    private static final Map<String, String> UNSUPPORTED = unsupportedFields();

    public AdapterConfig {
        layersToTransform = layersToTransform == null ? null : List.copyOf(layersToTransform);
        layersPattern = layersPattern == null ? null : List.copyOf(layersPattern);
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
    }

    private static Map<String, String> unsupportedFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("modules_to_save", "full copies of extra modules (e.g. lm_head) are not supported; "
                + "train the adapter without modules_to_save");
        fields.put("trainable_token_indices", "trainable token embeddings are not supported");
        fields.put("target_parameters", "LoRA on bare parameters (MoE experts) is not supported");
        fields.put("lora_bias", "a bias on lora_B is not supported");
        fields.put("use_qalora", "QA-LoRA is not supported");
        fields.put("alora_invocation_tokens", "activated LoRA (aLoRA) is not supported");
        fields.put("arrow_config", "Arrow routing is not supported");
        fields.put("kasa_config", "KaSA is not supported");
        fields.put("monteclora_config", "MonteCLoRA is not supported");
        fields.put("use_bdlora", "block-diagonal LoRA is not supported");
        fields.put("layer_replication", "layer replication is not supported");
        return fields;
    }

    /** Reads and validates adapter_config.json; every problem is an {@link AdapterFormatException} naming the field. */
    public static AdapterConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new AdapterFormatException(file + " does not exist; a PEFT adapter folder needs "
                    + FILE_NAME + " next to adapter_model.safetensors", e);
        } catch (IOException e) {
            throw new AdapterFormatException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        return parse(root, file);
    }

    /** Validates a parsed adapter_config.json; file is only used in messages. */
    public static AdapterConfig parse(JsonNode root, Path file) {
        if (root == null || !root.isObject()) {
            throw new AdapterFormatException(file + " must contain a JSON object");
        }
        Fields f = new Fields(root, file);
        String peftType = f.string("peft_type");
        if (peftType == null) {
            throw new AdapterFormatException(file + ": field \"peft_type\" is missing; a LoRA adapter has \"LORA\"");
        }
        if (!peftType.equals("LORA")) {
            throw new AdapterFormatException(file + ": field \"peft_type\" is \"" + peftType
                    + "\", but only LoRA adapters (\"LORA\") are supported");
        }
        for (Map.Entry<String, String> unsupported : UNSUPPORTED.entrySet()) {
            if (f.isSet(unsupported.getKey())) {
                throw new AdapterFormatException(file + ": field \"" + unsupported.getKey() + "\" is "
                        + root.get(unsupported.getKey()) + ", but " + unsupported.getValue());
            }
        }
        String bias = f.string("bias");
        if (bias != null && !bias.equals("none")) {
            throw new AdapterFormatException(file + ": field \"bias\" is \"" + bias + "\", but only \"none\" is "
                    + "supported (trained base-model biases are not loaded); train with bias=\"none\"");
        }
        if (Boolean.TRUE.equals(f.bool("fan_in_fan_out"))) {
            // PEFT does the same for nn.Linear targets: warns and sets it to false.
            LOG.warnf("%s: fan_in_fan_out is true but the targets are Linear layers; setting it to false, as PEFT does",
                    file);
        }
        int r = f.positiveInt("r", 8);
        double alpha = f.number("lora_alpha", 8);
        boolean rslora = Boolean.TRUE.equals(f.bool("use_rslora"));
        boolean dora = Boolean.TRUE.equals(f.bool("use_dora"));

        ModuleSelector targets = f.selector("target_modules", true);
        if (targets == null) {
            targets = new ModuleSelector.Names(PEFT_DEFAULT_TARGETS);
        }
        if (targets instanceof ModuleSelector.Names names && names.names().isEmpty()) {
            throw new AdapterFormatException(file + ": field \"target_modules\" is an empty list, so nothing is "
                    + "adapted; list the modules the adapter was trained on");
        }
        ModuleSelector exclude = f.selector("exclude_modules", false);
        List<Integer> layers = f.intOrIntList("layers_to_transform");
        List<String> layersPattern = f.stringOrStringList("layers_pattern");
        if (!(targets instanceof ModuleSelector.Names) && layers != null) {
            throw new AdapterFormatException(file + ": field \"layers_to_transform\" cannot be used when "
                    + "\"target_modules\" is a string (regex or all-linear), as in PEFT; use a list of module names");
        }
        if (!(targets instanceof ModuleSelector.Names) && layersPattern != null) {
            throw new AdapterFormatException(file + ": field \"layers_pattern\" cannot be used when "
                    + "\"target_modules\" is a string (regex or all-linear), as in PEFT; use a list of module names");
        }
        if (layersPattern != null && !layersPattern.isEmpty() && layers == null) {
            throw new AdapterFormatException(file + ": field \"layers_pattern\" needs \"layers_to_transform\", as in PEFT");
        }
        Map<String, Integer> rankPattern = new LinkedHashMap<>();
        f.patternMap("rank_pattern").forEach((key, value) -> {
            if (!value.isIntegralNumber() || value.asLong() <= 0 || value.asLong() > Integer.MAX_VALUE) {
                throw new AdapterFormatException(file + ": field \"rank_pattern\" maps \"" + key + "\" to " + value
                        + ", but a rank must be a positive integer");
            }
            rankPattern.put(key, value.asInt());
        });
        Map<String, Double> alphaPattern = new LinkedHashMap<>();
        f.patternMap("alpha_pattern").forEach((key, value) -> {
            if (!value.isNumber()) {
                throw new AdapterFormatException(file + ": field \"alpha_pattern\" maps \"" + key + "\" to " + value
                        + ", but an alpha must be a number");
            }
            alphaPattern.put(key, value.asDouble());
        });
        return new AdapterConfig(file, r, alpha, rslora, dora, targets, exclude, layers, layersPattern, rankPattern,
                alphaPattern);
    }

    /** PEFT's check_target_module_exists for one full module name (modules_to_save is refused, so not consulted). */
    public boolean targets(String moduleName) {
        if (excludeModules != null && excludeModules.matches(moduleName)) {
            return false;
        }
        if (!targetModules.matches(moduleName)) {
            return false;
        }
        if (!(targetModules instanceof ModuleSelector.Names) || layersToTransform == null
                || layersToTransform.isEmpty()) {
            return true;
        }
        Integer layer = layerIndex(moduleName);
        return layer != null && layersToTransform.contains(layer);
    }

    public boolean targets(int layer, ProjectionKind kind) {
        return targets(kind.moduleName(layer));
    }

    /** The layer index PEFT reads from a module name for layers_to_transform: the first numbered segment. */
    private Integer layerIndex(String moduleName) {
        Matcher match = null;
        if (layersPattern == null || layersPattern.isEmpty()) {
            match = FIRST_INDEX.matcher(moduleName);
            if (!match.lookingAt()) {
                return null;
            }
        } else {
            for (String pattern : layersPattern) {
                Matcher m = PythonRegex.compile("(?:^|.*?\\.)" + pattern + "\\.(?<idx>\\d+)\\.",
                        file + ": field \"layers_pattern\"").matcher(moduleName);
                if (m.lookingAt()) {
                    match = m;
                    break;
                }
            }
            if (match == null) {
                return null;
            }
        }
        return Integer.valueOf(match.group("idx"));
    }

    /** The rank of one projection: the first rank_pattern key that matches its name, else r. */
    public int rank(int layer, ProjectionKind kind) {
        String key = patternKey(rankPattern.keySet(), kind.moduleName(layer));
        return key == null ? r : rankPattern.get(key);
    }

    /** The alpha of one projection: the first alpha_pattern key that matches its name, else lora_alpha. */
    public double alpha(int layer, ProjectionKind kind) {
        String key = patternKey(alphaPattern.keySet(), kind.moduleName(layer));
        return key == null ? loraAlpha : alphaPattern.get(key);
    }

    /** PEFT's scaling: alpha/r, or alpha/√r with rsLoRA, from this projection's own rank and alpha. */
    public double scale(int layer, ProjectionKind kind) {
        int rank = rank(layer, kind);
        double alpha = alpha(layer, kind);
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** PEFT's get_pattern_key: the first key for which {@code (.*\.)?(key)$} matches from the start of the name. */
    private String patternKey(Set<String> keys, String moduleName) {
        return keys.stream().filter(key -> patternKeyMatches(key, moduleName)).findFirst().orElse(null);
    }

    private boolean patternKeyMatches(String key, String moduleName) {
        return PythonRegex.compile("(.*\\.)?(" + key + ")$", file + ": pattern key \"" + key + "\"")
                .matcher(moduleName).lookingAt();
    }

    /**
     * Checks the targets against the base model: everything the config selects must be one of the seven projections
     * we adapt, every target_modules entry must name a module of this model, layers_to_transform must name its
     * layers, and something must be selected. Pattern keys that match no adapted module are logged, as PEFT warns.
     */
    public void requireSupportedTargets(ModelConfig model) {
        List<String> modules = BaseModuleNames.of(model);
        String shape = model.architecture() + " with " + model.numLayers() + " layers";
        List<String> adapted = new ArrayList<>();
        for (String module : modules) {
            if (!targets(module)) {
                continue;
            }
            if (!new ModuleSelector.AllLinear().matches(module)) {
                throw new AdapterFormatException(file + ": field \"target_modules\" selects module \"" + module
                        + "\" of the " + shape + ", which LoRA Foundry does not adapt; supported are the projections "
                        + supportedNames());
            }
            adapted.add(module);
        }
        if (targetModules instanceof ModuleSelector.Names names) {
            for (String entry : names.names()) {
                if (modules.stream().noneMatch(m -> ModuleSelector.Names.selects(entry, m))) {
                    throw new AdapterFormatException(file + ": field \"target_modules\" names \"" + entry
                            + "\", which is not a module of the " + shape + "; supported are " + supportedNames()
                            + " (the adapter may have been trained for another architecture)");
                }
            }
        }
        if (layersToTransform != null) {
            for (int layer : layersToTransform) {
                if (layer < 0 || layer >= model.numLayers()) {
                    throw new AdapterFormatException(file + ": field \"layers_to_transform\" names layer " + layer
                            + ", but the " + shape + " has layers 0.." + (model.numLayers() - 1));
                }
            }
        }
        if (adapted.isEmpty()) {
            throw new AdapterFormatException(file + ": \"target_modules\" " + describe(targetModules)
                    + (layersToTransform == null ? "" : " with layers_to_transform " + layersToTransform)
                    + (excludeModules == null ? "" : " and exclude_modules " + describe(excludeModules))
                    + " selects no module of the " + shape);
        }
        warnUnusedPatternKeys("rank_pattern", rankPattern.keySet(), adapted);
        warnUnusedPatternKeys("alpha_pattern", alphaPattern.keySet(), adapted);
    }

    private void warnUnusedPatternKeys(String field, Set<String> keys, List<String> adapted) {
        for (String key : keys) {
            if (adapted.stream().noneMatch(m -> patternKeyMatches(key, m))) {
                LOG.warnf("%s: %s key \"%s\" matches no adapted module and is ignored, as in PEFT", file, field, key);
            }
        }
    }

    private static String supportedNames() {
        List<String> names = new ArrayList<>();
        for (ProjectionKind kind : ProjectionKind.values()) {
            names.add(kind.moduleName());
        }
        return names.toString();
    }

    private static String describe(ModuleSelector selector) {
        return switch (selector) {
            case ModuleSelector.Names names -> names.names().toString();
            case ModuleSelector.Regex regex -> "\"" + regex.pattern() + "\"";
            case ModuleSelector.AllLinear ignored -> "\"all-linear\"";
        };
    }

    /** Typed optional reads of the config's fields; every problem names the file and the field. */
    private record Fields(JsonNode root, Path file) {

        private JsonNode value(String field) {
            JsonNode value = root.get(field);
            return value == null || value.isNull() ? null : value;
        }

        /** Present with a value other than null, false, 0, "" or an empty list/object. */
        boolean isSet(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return false;
            }
            if (value.isBoolean()) {
                return value.asBoolean();
            }
            if (value.isContainerNode() || value.isTextual()) {
                return !value.isEmpty() && !(value.isTextual() && value.asText().isEmpty());
            }
            return !(value.isNumber() && value.asDouble() == 0);
        }

        private AdapterFormatException bad(String field, JsonNode value, String expected) {
            return new AdapterFormatException(file + ": field \"" + field + "\" is " + value + " but must be "
                    + expected);
        }

        String string(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                throw bad(field, value, "a string");
            }
            return value.asText();
        }

        Boolean bool(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isBoolean()) {
                throw bad(field, value, "true or false");
            }
            return value.asBoolean();
        }

        int positiveInt(String field, int otherwise) {
            JsonNode value = value(field);
            if (value == null) {
                return otherwise;
            }
            if (!value.isIntegralNumber() || value.asLong() <= 0 || value.asLong() > Integer.MAX_VALUE) {
                throw bad(field, value, "a positive integer");
            }
            return value.asInt();
        }

        double number(String field, double otherwise) {
            JsonNode value = value(field);
            if (value == null) {
                return otherwise;
            }
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw bad(field, value, "a number");
            }
            return value.asDouble();
        }

        List<Integer> intOrIntList(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            List<Integer> ints = new ArrayList<>();
            for (JsonNode item : value.isArray() ? value : List.of(value)) {
                if (!item.isIntegralNumber() || !item.canConvertToInt()) {
                    throw bad(field, value, "a layer index or a list of layer indexes");
                }
                ints.add(item.asInt());
            }
            return ints;
        }

        List<String> stringOrStringList(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            List<String> strings = new ArrayList<>();
            for (JsonNode item : value.isArray() ? value : List.of(value)) {
                if (!item.isTextual()) {
                    throw bad(field, value, "a string or a list of strings");
                }
                strings.add(item.asText());
            }
            return strings;
        }

        /** A list of names, a regex string, or (for target_modules) "all-linear" in any case; null when absent. */
        ModuleSelector selector(String field, boolean allowAllLinear) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (value.isTextual()) {
                String text = value.asText();
                if (allowAllLinear && text.equalsIgnoreCase("all-linear")) {
                    return new ModuleSelector.AllLinear();
                }
                return new ModuleSelector.Regex(text, PythonRegex.compile(text, file + ": field \"" + field + "\""));
            }
            List<String> names = stringOrStringList(field);
            return new ModuleSelector.Names(new ArrayList<>(new LinkedHashSet<>(names)));
        }

        /** rank_pattern / alpha_pattern: an object whose keys are regexes; the keys are checked to compile. */
        Map<String, JsonNode> patternMap(String field) {
            JsonNode value = value(field);
            Map<String, JsonNode> map = new LinkedHashMap<>();
            if (value == null) {
                return map;
            }
            if (!value.isObject()) {
                throw bad(field, value, "an object mapping module-name patterns to values");
            }
            value.fields().forEachRemaining(e -> {
                PythonRegex.compile("(.*\\.)?(" + e.getKey() + ")$", file + ": field \"" + field + "\" key \""
                        + e.getKey() + "\"");
                map.put(e.getKey(), e.getValue());
            });
            return map;
        }
    }
}
