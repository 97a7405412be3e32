package dev.lorafoundry.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorafoundry.api.error.ApiException;
import dev.lorafoundry.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code prompt} of a text completion in its four OpenAI forms into token-id prompts (one per batch entry). */
final class CompletionPrompts {

    private CompletionPrompts() {}

    /** String | [string] | [int] | [[int]]; each entry becomes one prompt. Strings get the tokenizer's special tokens (BOS). */
    static List<int[]> parse(JsonNode prompt, Tokenizer tokenizer) {
        if (prompt == null || prompt.isNull()) {
            throw ApiException.invalid("prompt", "prompt is required: a string, a list of strings, a list of token ids or a list of lists of token ids.");
        }
        List<int[]> prompts = new ArrayList<>();
        if (prompt.isTextual()) {
            prompts.add(fromText(prompt.asText(), "prompt", tokenizer));
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            prompts.add(fromIds(prompt, "prompt", tokenizer.vocabSize()));
        } else if (prompt.isArray() && !prompt.isEmpty()) {
            for (int i = 0; i < prompt.size(); i++) {
                JsonNode entry = prompt.get(i);
                String param = "prompt[" + i + "]";
                if (entry.isTextual()) {
                    prompts.add(fromText(entry.asText(), param, tokenizer));
                } else if (entry.isArray()) {
                    prompts.add(fromIds(entry, param, tokenizer.vocabSize()));
                } else {
                    throw ApiException.invalid(param, param + " must be a string or a list of token ids.");
                }
            }
        } else {
            throw ApiException.invalid("prompt", prompt.isArray() ? "prompt must not be an empty list."
                    : "prompt must be a string, a list of strings, a list of token ids or a list of lists of token ids.");
        }
        return prompts;
    }

    private static int[] fromText(String text, String param, Tokenizer tokenizer) {
        if (text.isEmpty()) {
            throw ApiException.invalid(param, param + " must not be empty.");
        }
        return tokenizer.encode(text, true);
    }

    private static int[] fromIds(JsonNode ids, String param, int vocabSize) {
        if (ids.isEmpty()) {
            throw ApiException.invalid(param, param + " must not be an empty list of token ids.");
        }
        int[] tokens = new int[ids.size()];
        for (int i = 0; i < tokens.length; i++) {
            JsonNode id = ids.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw ApiException.invalid(param, param + " must contain only token ids; element " + i + " is " + id + ".");
            }
            tokens[i] = id.asInt();
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw ApiException.invalid(param, "Token id " + tokens[i] + " at " + param + "[" + i + "] is outside the vocabulary [0, " + vocabSize + ").");
            }
        }
        return tokens;
    }
}
