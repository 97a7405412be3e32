package dev.lorafoundry.grammar;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The trie walk (with its shortcut for plain tokens inside strings) must allow exactly the tokens a plain
 * token-by-token check allows: every token's bytes fed one at a time to the recogniser, no trie, no index.
 */
class MaskReferenceTest {

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
    void trieMaskEqualsTokenByTokenCheck() throws Exception {
        JsonGrammar schema = JsonGrammar.forSchema(new ObjectMapper().readTree("""
                {"type":"object","properties":{"city":{"type":"string","maxLength":12},"tags":{"type":"array",
                 "items":{"type":"string","minLength":1,"maxLength":3}},"n":{"type":"number"}},"required":["city","n"]}"""));
        for (JsonGrammar grammar : List.of(schema, JsonGrammar.anyObject().wrapped("<tool_call>\n", "\n</tool_call>"))) {
            for (long seed = 0; seed < 4; seed++) {
                compareAlongOneRun(grammar, seed);
            }
        }
    }

    private static void compareAlongOneRun(JsonGrammar grammar, long seed) {
        Random random = new Random(seed);
        GrammarConstraint constraint = new GrammarConstraint(grammar, tokenizer);
        RecogniserState reference = grammar.initialState();
        int vocabSize = 151936;
        int eos = tokenizer.eosTokenId().orElseThrow();
        int known = tokenizer.vocabSize(); // counts the table on every call: read it once
        float[] logits = new float[vocabSize];
        for (int step = 0; step < 60 && !constraint.isComplete(); step++) {
            java.util.Arrays.fill(logits, 0f);
            constraint.maskLogits(logits, 0, vocabSize);
            List<Integer> expected = new ArrayList<>();
            List<Integer> actual = new ArrayList<>();
            for (int id = 0; id < vocabSize; id++) {
                boolean ordinary = id < known && !tokenizer.isSpecial(id) && tokenizer.tokenBytes(id).length > 0;
                if ((ordinary && reference.step(tokenizer.tokenBytes(id)) != null) || (id == eos && reference.isAccepting())) {
                    expected.add(id);
                }
                if (logits[id] == 0f) {
                    actual.add(id);
                }
            }
            assertEquals(expected, actual, "seed " + seed + " step " + step);
            assertFalse(actual.isEmpty());
            int chosen = actual.get(random.nextInt(actual.size()));
            constraint.accept(chosen);
            if (chosen != eos) {
                reference = reference.step(tokenizer.tokenBytes(chosen));
            }
        }
    }
}
