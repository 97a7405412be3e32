package dev.lorafoundry.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random model folders read back through our own readers, the byte-level tokenizer through DJL's HF bindings. */
class RandomModelWriterTest {

    @TempDir
    Path dir;

    @Test
    void everyFixtureReadsBackWithTheSpecsShapes() {
        List<NumericsFixtures.Fixture> fixtures = NumericsFixtures.all();
        assertEquals(List.of("llama-f32", "llama3-rope-bf16-sharded", "llama-linear-f16", "llama-yarn-f32", "qwen2-bf16",
                "qwen3-f32-sharded", "mistral-f32"), fixtures.stream().map(NumericsFixtures.Fixture::name).toList());
        for (NumericsFixtures.Fixture fixture : fixtures) {
            RandomModelSpec spec = fixture.spec();
            Path model = fixture.writeTo(dir);
            ModelConfig config = ModelConfig.read(model);
            assertEquals(spec.architecture(), config.architecture());
            assertEquals(spec.effectiveHeadDim(), config.headDim());
            assertEquals(spec.numKvHeads(), config.numKvHeads());
            assertEquals(spec.tieWordEmbeddings(), config.tieWordEmbeddings());
            assertEquals(spec.ropeScaling(), config.ropeScaling(), spec.name());
            assertEquals(List.of(ByteLevelTokenizerWriter.IM_END_ID), config.eosTokenIds());
            assertTrue(Arrays.stream(fixture.promptIds()).allMatch(id -> id >= 0 && id < spec.vocabSize()));
            Map<String, long[]> shapes = RandomModelWriter.tensorShapes(spec);
            Map<String, FloatTensor> drawn = RandomModelWriter.randomTensors(spec);
            try (SafetensorsReader reader = SafetensorsReader.open(model)) {
                assertEquals(shapes.keySet(), reader.tensorNames(), spec.name());
                assertEquals(spec.tieWordEmbeddings(), !reader.contains("lm_head.weight"));
                assertEquals(config.architectureKind() == ModelArchitecture.QWEN2,
                        reader.contains("model.layers.1.self_attn.v_proj.bias"));
                assertEquals(config.qkNorm(), reader.contains("model.layers.0.self_attn.k_norm.weight"));
                for (String name : shapes.keySet()) {
                    assertArrayEquals(shapes.get(name), reader.info(name).shape(), name);
                    assertEquals(spec.dtype(), reader.info(name).dtype());
                }
                // What was drawn is what was stored, up to the dtype's rounding.
                float[] want = drawn.get("model.layers.1.mlp.down_proj.weight").toFloatArray();
                float[] got = reader.readF32("model.layers.1.mlp.down_proj.weight").toFloatArray();
                double relative = spec.dtype().equals("BF16") ? 0x1p-8 : spec.dtype().equals("F16") ? 0x1p-11 : 0;
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], Math.abs(want[i]) * relative + 1e-7, spec.name() + " [" + i + "]");
                }
            }
            if (spec.shards() > 1) {
                assertTrue(Files.exists(model.resolve(String.format("model-%05d-of-%05d.safetensors", spec.shards(),
                        spec.shards()))));
            }
        }
    }

    @Test
    void weightsFollowTheDocumentedDistribution() {
        RandomModelSpec spec = NumericsFixtures.named("qwen2-bf16").spec();
        Map<String, FloatTensor> tensors = RandomModelWriter.randomTensors(spec);
        assertStats(tensors.get("model.embed_tokens.weight"), 0.0, spec.initStd());
        assertStats(tensors.get("model.layers.0.mlp.up_proj.weight"), 0.0, spec.initStd());
        assertStats(tensors.get("model.layers.0.input_layernorm.weight"), 1.0, 0.1);
        assertStats(tensors.get("model.layers.0.self_attn.q_proj.bias"), 0.0, 0.1);
    }

    private static void assertStats(FloatTensor tensor, double mean, double std) {
        float[] v = tensor.toFloatArray();
        double m = Arrays.stream(toDoubles(v)).average().orElseThrow();
        double s = Math.sqrt(Arrays.stream(toDoubles(v)).map(x -> (x - m) * (x - m)).sum() / v.length);
        double standardError = std / Math.sqrt(v.length);
        assertEquals(mean, m, 5 * standardError, tensor.name() + " mean");
        assertEquals(std, s, std * 6 / Math.sqrt(2.0 * v.length) + 1e-9, tensor.name() + " std");
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void sameSpecGivesIdenticalBytes() throws IOException {
        RandomModelSpec spec = NumericsFixtures.named("llama-f32").spec();
        RandomModelWriter.write(spec, dir.resolve("a"));
        RandomModelWriter.write(spec, dir.resolve("b"));
        for (String file : List.of("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)),
                    Files.readAllBytes(dir.resolve("b").resolve(file)), file);
        }
        // The documented stream, recomputed here: Box-Muller (cos, then sin) over SplittableRandom(seed).nextDouble().
        java.util.SplittableRandom random = new java.util.SplittableRandom(spec.seed());
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        double radius = StrictMath.sqrt(-2 * StrictMath.log(u1));
        float[] embed = RandomModelWriter.randomTensors(spec).get("model.embed_tokens.weight").toFloatArray();
        assertEquals((float) (spec.initStd() * radius * StrictMath.cos(2 * StrictMath.PI * u2)), embed[0]);
        assertEquals((float) (spec.initStd() * radius * StrictMath.sin(2 * StrictMath.PI * u2)), embed[1]);
    }

    @Test
    void invalidSpecsAreRefusedWithTheFieldNamed() {
        RandomModelSpec ok = NumericsFixtures.named("llama-f32").spec();
        ModelLoadException small = assertThrows(ModelLoadException.class, () -> RandomModelWriter.write(
                new RandomModelSpec("small", "LlamaForCausalLM", 64, 160, 2, 4, 2, null, 200, false, "F32", 1, null, 512, 1,
                        0.08), dir.resolve("x")));
        assertTrue(small.getMessage().contains("vocabSize 200") && small.getMessage().contains("259"), small.getMessage());
        ModelLoadException arch = assertThrows(ModelLoadException.class, () -> RandomModelWriter.write(
                new RandomModelSpec("gpt", "GPT2LMHeadModel", 64, 160, 2, 4, 2, null, 320, false, "F32", 1, null, 512, 1,
                        0.08), dir.resolve("y")));
        assertTrue(arch.getMessage().contains("GPT2LMHeadModel"));
        ModelLoadException heads = assertThrows(ModelLoadException.class, () -> RandomModelWriter.write(
                new RandomModelSpec("h", ok.architecture(), 64, 160, 2, 4, 3, null, 320, false, "F32", 1, null, 512, 1, 0.08),
                dir.resolve("z")));
        assertTrue(heads.getMessage().contains("numKvHeads"));
    }

    @Test
    void cliWritesANamedFixture() {
        Path fixtures = Path.of("src/test/resources/golden/numerics/fixtures.json");
        RandomModelWriter.main(new String[] {"--spec", fixtures.toString(), "--name", "mistral-f32", "--out",
                dir.resolve("m").toString()});
        assertEquals("MistralForCausalLM", ModelConfig.read(dir.resolve("m")).architecture());
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> RandomModelWriter.readSpec(fixtures, "no-such-model"));
        assertTrue(e.getMessage().contains("qwen2-bf16"), "lists the names to choose from: " + e.getMessage());
    }

    @Test
    void djlLoadsTheTokenizerAndRoundTripsText() throws IOException {
        RandomModelWriter.write(RandomModelWriter.placeholderSpec(), dir);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(dir)
                .optTruncation(false)
                .optAddSpecialTokens(false)
                .build()) {
            String[] texts = {
                "The quick brown fox jumps over the lazy dog. 0123456789 !@#$%^&*()",
                "Déjà vu: naïve façade, Ærøskøbing, ½ café",
                "日本語のテキストと中文文本，한국어",
                "Emoji 🙂👍🏽 and a family 👨‍👩‍👧 plus flags 🇫🇷",
                "  leading spaces,\ttabs\nand\r\nnewlines  ",
                "x".repeat(3000),
            };
            for (String text : texts) {
                Encoding encoding = tokenizer.encode(text);
                long[] ids = encoding.getIds();
                assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 259 + RandomModelWriter.DEFAULT_MERGES));
                assertEquals(text, tokenizer.decode(ids, false), "round trip of " + text.substring(0, 10));
            }
            assertTrue(tokenizer.encode("x".repeat(3000)).getIds().length > 512, "no truncation at 512");
            long[] chat = tokenizer.encode("<|im_start|>user\nhi<|im_end|><|endoftext|>").getIds();
            assertEquals(ByteLevelTokenizerWriter.IM_START_ID, chat[0]);
            assertEquals(ByteLevelTokenizerWriter.IM_END_ID, chat[chat.length - 2]);
            assertEquals(ByteLevelTokenizerWriter.END_OF_TEXT_ID, chat[chat.length - 1]);
            assertEquals("user\nhi", tokenizer.decode(chat, true));
            // Merges are used: a common word is fewer tokens than bytes.
            assertTrue(tokenizer.encode(" the weather").getIds().length < " the weather".length());
        }
        String config = Files.readString(dir.resolve("tokenizer_config.json"));
        assertTrue(config.contains("\"eos_token\" : \"<|im_end|>\"") && config.contains("\"bos_token\" : null"));
        assertFalse(config.contains("\"model_max_length\" : 0"));
    }

    @Test
    void byteSymbolsAreGpt2sReversibleMap() {
        char[] map = ByteLevelTokenizerWriter.byteToUnicode();
        assertEquals('Ġ', map[' ']);
        assertEquals('Ċ', map['\n']);
        assertEquals('A', map['A']);
        assertEquals(256, new String(map).chars().distinct().count());
    }
}
