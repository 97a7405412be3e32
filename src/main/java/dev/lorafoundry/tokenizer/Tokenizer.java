package dev.lorafoundry.tokenizer;

import java.nio.file.Path;
import java.util.OptionalInt;

/** A Hugging Face tokenizer.json (through DJL's bindings, truncation off) plus tokenizer_config.json. */
public final class Tokenizer implements AutoCloseable {

    /** Loads tokenizer.json and tokenizer_config.json from a model folder. */
    public static Tokenizer load(Path modelDir) {
        throw new UnsupportedOperationException("contract stub");
    }

    public int[] encode(String text, boolean addSpecialTokens) {
        throw new UnsupportedOperationException("contract stub");
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** The text of one token alone, as shown in log-probs (partial UTF-8 shown as OpenAI does). */
    public String tokenString(int id) {
        throw new UnsupportedOperationException("contract stub");
    }

    public OptionalInt tokenId(String token) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** Number of tokens the tokenizer knows (may be below the model's vocab_size). */
    public int vocabSize() {
        throw new UnsupportedOperationException("contract stub");
    }

    public String bosToken() {
        throw new UnsupportedOperationException("contract stub");
    }

    public String eosToken() {
        throw new UnsupportedOperationException("contract stub");
    }

    public OptionalInt eosTokenId() {
        throw new UnsupportedOperationException("contract stub");
    }

    public boolean isSpecial(int id) {
        throw new UnsupportedOperationException("contract stub");
    }

    /** The chat_template from tokenizer_config.json, or null. */
    public String chatTemplateSource() {
        throw new UnsupportedOperationException("contract stub");
    }

    @Override
    public void close() {}
}
