package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.ChatTemplate;
import dev.lorafoundry.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SFT packing (positions restart, block-diagonal causal mask, every example exactly once) and pre-training blocks
 * (exactly cutoff_len, EOS between documents). Expectations come from where each example's own tokens are found.
 */
class PackingTest {

    /** Example e has tokens 1000*e + i, so each packed token tells which example it came from. */
    private static EncodedExample example(int e, int length) {
        int[] ids = new int[length];
        boolean[] loss = new boolean[length];
        for (int i = 0; i < length; i++) {
            ids[i] = 1000 * e + i;
            loss[i] = i >= length / 2;
        }
        return new EncodedExample(ids, loss);
    }

    @Test
    void packedExamplesKeepTheirTokensPositionsAndSeeOnlyThemselves() {
        int cutoff = 16;
        int[] lengths = {5, 9, 3, 16, 7, 2, 11, 4};
        List<EncodedExample> examples = new ArrayList<>();
        for (int e = 0; e < lengths.length; e++) {
            examples.add(example(e + 1, lengths[e]));
        }
        int pad = 7;
        List<PackedSequence> packed = new SftPacker(cutoff, pad).pack(examples);
        int total = Arrays.stream(lengths).sum();
        assertTrue(packed.size() >= (total + cutoff - 1) / cutoff);
        assertTrue(packed.size() < lengths.length, "several examples share a sequence");

        boolean[] seen = new boolean[lengths.length + 1];
        for (PackedSequence sequence : packed) {
            assertEquals(cutoff, sequence.length());
            // recover each example's range from its own token values
            int[] owner = new int[cutoff];
            for (int t = 0; t < cutoff; t++) {
                owner[t] = sequence.segmentIds()[t] == 0 ? 0 : sequence.inputIds()[t] / 1000;
            }
            int t = 0;
            while (t < cutoff && owner[t] != 0) {
                int e = owner[t];
                assertFalse(seen[e], "example " + e + " packed twice");
                seen[e] = true;
                EncodedExample original = examples.get(e - 1);
                int start = t;
                for (int i = 0; i < original.length(); i++, t++) {
                    assertEquals(original.inputIds()[i], sequence.inputIds()[t]);
                    assertEquals(original.lossMask()[i], sequence.lossMask()[t]);
                    assertEquals(i, sequence.positionIds()[t], "positions restart at 0 for each example");
                }
                for (int q = start; q < t; q++) {
                    for (int k = 0; k < cutoff; k++) {
                        assertEquals(k >= start && k <= q, sequence.attends(q, k), "query " + q + " key " + k);
                    }
                }
                assertEquals(EncodedExample.IGNORE_INDEX, sequence.labels()[start], "never learned across an example boundary");
            }
            for (; t < cutoff; t++) {
                assertEquals(pad, sequence.inputIds()[t]);
                assertEquals(0, sequence.segmentIds()[t]);
                assertFalse(sequence.lossMask()[t]);
                for (int k = 0; k < cutoff; k++) {
                    assertEquals(k == t, sequence.attends(t, k), "padding attends only to itself");
                }
            }
            boolean[][] mask = sequence.attentionMask();
            for (int q = 0; q < cutoff; q++) {
                for (int k = 0; k < cutoff; k++) {
                    assertEquals(sequence.attends(q, k), mask[q][k]);
                }
            }
        }
        for (int e = 1; e <= lengths.length; e++) {
            assertTrue(seen[e], "example " + e + " was packed");
        }
    }

    @Test
    void exampleLongerThanTheCutoffIsRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new SftPacker(8, 0).pack(List.of(example(1, 4), example(2, 9))));
        assertTrue(error.getMessage().contains("example 1 has 9 tokens, more than cutoff_len 8"), error.getMessage());
    }

    @Test
    void realConversationsPackAndUnpackToTheirEncodings() {
        Tokenizer qwen3 = Qwen3Tokenizer.get();
        ChatTemplate template = Qwen3Tokenizer.template();
        List<Conversation> identity = DatasetLoader.conversations(
                LlamaFactorySamplesTest.INFO.entry("identity")).records().subList(0, 12);
        SftEncoder encoder = new SftEncoder(template, qwen3, SftOptions.defaults().withCutoffLen(256));
        List<EncodedExample> encoded = new ArrayList<>();
        for (Conversation conversation : identity) {
            encoded.add(encoder.encode(conversation.withPlaceholders(Map.of("name", "Foundry", "author", "us"))));
        }
        int pad = qwen3.tokenId(qwen3.padToken()).orElseThrow();
        List<PackedSequence> packed = new SftPacker(256, pad).pack(encoded);
        int segments = packed.stream().mapToInt(PackedSequence::examples).sum();
        assertEquals(encoded.size(), segments);
        assertTrue(packed.size() < encoded.size());
        int trained = packed.stream().mapToInt(p -> (int) Arrays.stream(p.labels()).filter(l -> l >= 0).count()).sum();
        assertEquals(encoded.stream().mapToInt(EncodedExample::trainedTokens).sum(), trained);
    }

    @Test
    void pretrainingBlocksAreExactlyCutoffWithEosBetweenDocuments() {
        Tokenizer qwen3 = Qwen3Tokenizer.get();
        List<Document> documents = DatasetLoader.documents(LlamaFactorySamplesTest.INFO.entry("c4_demo")).records().subList(0, 20);
        int cutoff = 128;
        PretrainEncoder.Blocks blocks = new PretrainEncoder(qwen3, cutoff).encode(documents);

        int eos = qwen3.tokenId("<|im_end|>").orElseThrow(); // Qwen3's eos_token
        List<Integer> stream = new ArrayList<>();
        List<Integer> eosAt = new ArrayList<>();
        for (Document document : documents) {
            for (int id : qwen3.encode(document.text(), false)) {
                stream.add(id);
            }
            eosAt.add(stream.size());
            stream.add(eos);
        }
        assertEquals(stream.size() / cutoff, blocks.blocks().size());
        assertEquals(stream.size() % cutoff, blocks.droppedTokens());
        for (int b = 0; b < blocks.blocks().size(); b++) {
            EncodedExample block = blocks.blocks().get(b);
            assertEquals(cutoff, block.length());
            assertEquals(cutoff, block.trainedTokens());
            for (int i = 0; i < cutoff; i++) {
                assertEquals((int) stream.get(b * cutoff + i), block.inputIds()[i], "block " + b + " token " + i);
            }
        }
        int covered = blocks.blocks().size() * cutoff;
        long eosInBlocks = blocks.blocks().stream().flatMapToInt(e -> Arrays.stream(e.inputIds())).filter(id -> id == eos).count();
        assertEquals(eosAt.stream().filter(at -> at < covered).count(), eosInBlocks, "one EOS after each document");
        for (int at : eosAt) {
            if (at < covered) {
                assertEquals(eos, blocks.blocks().get(at / cutoff).inputIds()[at % cutoff], "EOS ends document at " + at);
            }
        }
    }
}
