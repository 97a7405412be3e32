package dev.lorafoundry.grammar;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prints how long one mask takes over the real Qwen3 vocabulary (151k tokens); times are reported, not asserted. */
class MaskTimingTest {

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizer.load(Path.of("../shared/tokenizers/qwen3"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void maskTimePerStep() throws Exception {
        long buildStart = System.nanoTime();
        VocabularyTrie trie = VocabularyTrie.of(tokenizer);
        System.out.printf("trie: %d nodes for %d ids, built in %.0f ms%n", trie.nodeCount(), trie.idLimit,
                (System.nanoTime() - buildStart) / 1e6);
        JsonGrammar grammar = JsonGrammar.forSchema(new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
                        + "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\",\"unit\"]}"));
        time("structural (before the value)", grammar, "");
        time("structural (after a property)", grammar, "{\"city\":\"Paris\"");
        time("free string", grammar, "{\"city\":\"Pa");
        time("free string again", grammar, "{\"city\":\"Pa");
        time("number", grammar, "{\"city\":\"Paris\",\"days\":1");
        time("any object, free key", JsonGrammar.anyObject(), "{\"");
        time("any object, value start", JsonGrammar.anyObject(), "{\"a\":");
    }

    private static void time(String label, JsonGrammar grammar, String written) {
        GrammarConstraint constraint = new GrammarConstraint(grammar, tokenizer);
        for (byte b : written.getBytes(StandardCharsets.UTF_8)) {
            constraint.accept(tokenizer.encode(new String(new byte[] {b}, StandardCharsets.UTF_8), false)[0]);
        }
        float[] logits = new float[151936];
        int rounds = 30;
        long best = Long.MAX_VALUE;
        int allowed = 0;
        for (int i = 0; i < rounds; i++) {
            java.util.Arrays.fill(logits, 0f);
            long start = System.nanoTime();
            constraint.maskLogits(logits, 0, logits.length);
            best = Math.min(best, System.nanoTime() - start);
            allowed = 0;
            for (float logit : logits) {
                allowed += logit == 0f ? 1 : 0;
            }
        }
        System.out.printf("mask %-32s %7.2f ms (best of %d), %6d tokens allowed%n", label, best / 1e6, rounds, allowed);
        assertTrue(allowed > 0);
    }
}
