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
        VocabularyIndex index = VocabularyIndex.of(tokenizer);
        VocabularyTrie trie = index.allTokens;
        System.out.printf("trie: %d nodes for %d ids (%d plain, walked apart: %d nodes), built in %.0f ms%n", trie.nodeCount(), index.idLimit, index.plainIds.length, index.nonPlainTokens.nodeCount(),
                (System.nanoTime() - buildStart) / 1e6);
        JsonGrammar grammar = JsonGrammar.forSchema(new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
                        + "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\",\"unit\"]}"));
        time("structural (before the value)", grammar, "");
        time("structural (after a property)", grammar, "{\"city\":\"Paris\"");
        time("free string", grammar, "{\"city\":\"Pa");
        byte[] midCharacter = "{\"city\":\"\u00e9".getBytes(StandardCharsets.UTF_8);
        time("string, mid-character", grammar, java.util.Arrays.copyOf(midCharacter, midCharacter.length - 1));
        time("number", grammar, "{\"city\":\"Paris\",\"days\":1");
        time("any object, free key", JsonGrammar.anyObject(), "{\"");
        time("any object, value start", JsonGrammar.anyObject(), "{\"a\":");
    }

    private static void time(String label, JsonGrammar grammar, String written) {
        time(label, grammar, written.getBytes(StandardCharsets.UTF_8));
    }

    private static void time(String label, JsonGrammar grammar, byte[] written) {
        GrammarConstraint constraint = new GrammarConstraint(grammar, tokenizer);
        for (byte b : written) {
            constraint.accept(singleByteToken(b));
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

    /** The byte-level token for one byte, found by its bytes. */
    private static int singleByteToken(byte b) {
        for (int id = 0, known = tokenizer.vocabSize(); id < known; id++) {
            byte[] bytes = tokenizer.tokenBytes(id);
            if (bytes.length == 1 && bytes[0] == b && !tokenizer.isSpecial(id)) {
                return id;
            }
        }
        throw new AssertionError("no token for byte " + (b & 0xff));
    }
}
