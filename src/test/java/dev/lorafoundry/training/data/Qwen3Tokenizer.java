package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;

import java.nio.file.Path;

/** The real Qwen3 tokenizer and chat template, loaded once for all data tests (loading takes seconds). */
final class Qwen3Tokenizer {

    static final Path DIR = Path.of("../shared/tokenizers/qwen3");

    private static Tokenizer tokenizer;
    private static ChatTemplate template;

    private Qwen3Tokenizer() {}

    static synchronized Tokenizer get() {
        if (tokenizer == null) {
            tokenizer = Tokenizer.load(DIR); // kept for the JVM's life: test classes share it
        }
        return tokenizer;
    }

    static synchronized ChatTemplate template() {
        if (template == null) {
            template = ChatTemplate.forTokenizer(get(), "chatml");
        }
        return template;
    }
}
