package dev.lorafoundry.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sampling defaults and stop ids of a model's generation_config.json; absent values are null. */
public record GenerationConfig(List<Integer> eosTokenIds, Integer bosTokenId, Double temperature, Double topP,
        Integer topK, Double repetitionPenalty, Integer maxNewTokens) {

    public static final String FILE_NAME = "generation_config.json";

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Missing file -> all null / empty list; a malformed file -> ModelLoadException naming the field. */
    public static GenerationConfig read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return new GenerationConfig(List.of(), null, null, null, null, null, null);
        }
        JsonFields json = JsonFields.read(file);
        return new GenerationConfig(json.intOrIntList("eos_token_id"), json.optionalInt("bos_token_id"),
                json.optionalDouble("temperature"), json.optionalDouble("top_p"), json.optionalInt("top_k"),
                json.optionalDouble("repetition_penalty"), json.optionalInt("max_new_tokens"));
    }
}
