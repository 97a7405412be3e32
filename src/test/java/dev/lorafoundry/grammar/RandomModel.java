package dev.lorafoundry.grammar;

import dev.lorafoundry.tokenizer.Tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A "model" that writes garbage: fresh uniform random logits every step, the largest one left by the constraint wins
 * (so each allowed token is equally likely). Checks on every step that the mask leaves something and never leaves a special token other than the EOS
 * token at the very end.
 */
final class RandomModel {

    /** What one run produced: the sampled ids (without a final EOS) and their decoded text. */
    record Run(List<Integer> ids, String text, boolean endedWithEos) {
    }

    private final Tokenizer tokenizer;
    private final int vocabSize;
    private final int eos;

    RandomModel(Tokenizer tokenizer, int modelVocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = modelVocabSize;
        this.eos = tokenizer.eosTokenId().orElseThrow();
    }

    Run generate(JsonGrammar grammar, long seed, int maxSteps) {
        Random random = new Random(seed);
        GrammarConstraint constraint = new GrammarConstraint(grammar, tokenizer);
        float[] logits = new float[vocabSize + 3];
        int offset = 3; // the engine passes a batch buffer; make sure the offset is honoured
        List<Integer> ids = new ArrayList<>();
        for (int step = 0; step < maxSteps; step++) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = random.nextFloat();
            }
            constraint.maskLogits(logits, offset, vocabSize);
            assertTrue(Float.isFinite(logits[0]) && Float.isFinite(logits[2]), "mask wrote outside its row");
            int chosen = -1;
            float best = Float.NEGATIVE_INFINITY;
            for (int id = 0; id < vocabSize; id++) {
                float logit = logits[offset + id];
                if (logit == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                if (tokenizer.isSpecial(id) && id != eos) {
                    fail("special token " + id + " allowed after " + decode(ids));
                }
                if (logit > best) {
                    best = logit;
                    chosen = id;
                }
            }
            assertTrue(chosen >= 0, () -> "the mask allowed no token at all after " + decode(ids));
            constraint.accept(chosen);
            if (chosen == eos) {
                assertTrue(constraint.isComplete(), "EOS accepted but the constraint is not complete");
                return new Run(ids, decode(ids), true);
            }
            ids.add(chosen);
            if (constraint.isComplete()) {
                return new Run(ids, decode(ids), false);
            }
        }
        fail("no complete output within " + maxSteps + " tokens: " + decode(ids));
        return null;
    }

    private String decode(List<Integer> ids) {
        int[] array = ids.stream().mapToInt(Integer::intValue).toArray();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : array) {
            bytes.writeBytes(tokenizer.tokenBytes(id));
        }
        // the recogniser saw the concatenated token bytes; the tokenizer's own decoder must give the same text
        String fromBytes = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(fromBytes, tokenizer.decode(array, false), "token bytes and tokenizer decode disagree");
        return fromBytes;
    }
}
