package dev.lorafoundry.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final int[] NONE = new int[0];

    private static float[] randomLogits(int vocab, long seed, double scale) {
        Random random = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) (random.nextGaussian() * scale);
        return logits;
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) result[i] = values[i];
        return result;
    }

    @Test
    void greedyPicksTheArgmaxOfTheRowAtItsOffset() {
        int vocab = 1000;
        float[] batch = randomLogits(3 * vocab, 7, 4);
        Sampler sampler = new Sampler(SamplingParams.greedy(8), vocab);
        for (int row = 0; row < 3; row++) {
            int expected = row * vocab;
            for (int i = row * vocab; i < (row + 1) * vocab; i++) if (batch[i] > batch[expected]) expected = i;
            SampledToken token = sampler.sample(batch.clone(), row * vocab, NONE, NONE, 0);
            assertEquals(expected - row * vocab, token.tokenId());
            assertNull(token.logprobs());
        }
        float[] tied = {1, 5, 2, 5, 0};
        assertEquals(1, new Sampler(SamplingParams.greedy(1), 5).sample(tied, 0, NONE, NONE, 0).tokenId(), "lowest id wins a tie");
    }

    @Test
    void eachFilterKeepsExactlyTheReferenceSet() {
        for (int vocab : new int[] {1000, 151_936}) {
            float[] logits = randomLogits(vocab, vocab, 3);
            double[][] cases = {
                    // temperature, top_p, top_k, min_p
                    {1.0, 1.0, 1, 0}, {1.0, 1.0, 5, 0}, {0.7, 1.0, 50, 0},
                    {1.0, 0.1, 0, 0}, {1.0, 0.5, 0, 0}, {1.0, 0.9, 0, 0}, {1.5, 0.99, 0, 0}, {0.5, 0.95, -1, 0},
                    {1.0, 1.0, 0, 0.05}, {0.8, 1.0, 0, 0.3},
                    {0.8, 0.9, 40, 0}, {1.2, 0.8, 0, 0.1}, {1.0, 0.95, 100, 0.02}, {1.0, 1.0, 0, 0},
            };
            for (double[] c : cases) {
                SamplingParams params = ReferenceSampling.params(c[0], c[1], (int) c[2], c[3], 1L);
                double[] expected = ReferenceSampling.finalDistribution(toDouble(logits), params);
                double[] actual = new Sampler(params, vocab).finalDistribution(logits, 0, NONE, NONE, 0);
                String label = "vocab " + vocab + " case " + Arrays.toString(c);
                assertKeptSetAndProbabilities(expected, actual, label);
            }
        }
    }

    @Test
    void tiedProbabilitiesAreCutByTokenIdAndTopKKeepsBoundaryTies() {
        float[] flat = new float[10];
        SamplingParams halfMass = ReferenceSampling.params(1, 0.5, 0, 0, 1L);
        double[] kept = new Sampler(halfMass, 10).finalDistribution(flat, 0, NONE, NONE, 0);
        assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2, 0, 0, 0, 0, 0}, kept, 1e-12);

        float[] boundaryTie = {3, 1, 3, 0, 3, 2};
        SamplingParams topTwo = ReferenceSampling.params(1, 1, 2, 0, 1L);
        double[] topK = new Sampler(topTwo, 6).finalDistribution(boundaryTie, 0, NONE, NONE, 0);
        assertKeptSetAndProbabilities(ReferenceSampling.finalDistribution(toDouble(boundaryTie), topTwo), topK, "top_k ties");
        assertEquals(3, Arrays.stream(topK).filter(p -> p > 0).count(), "all three tokens tied at the k-th logit stay");
    }

    @Test
    void drawsFollowTheFilteredDistribution() {
        int vocab = 50;
        float[] logits = randomLogits(vocab, 99, 1.5);
        SamplingParams params = ReferenceSampling.params(0.8, 0.9, 20, 0.01, 1234L);
        double[] expected = ReferenceSampling.finalDistribution(toDouble(logits), params);
        Sampler sampler = new Sampler(params, vocab);
        int draws = 20_000;
        int[] counts = new int[vocab];
        for (int i = 0; i < draws; i++) counts[sampler.sample(logits.clone(), 0, NONE, NONE, 0).tokenId()]++;

        double chiSquare = 0;
        int bins = 0;
        for (int token = 0; token < vocab; token++) {
            if (expected[token] == 0) {
                assertEquals(0, counts[token], "token " + token + " was filtered out but drawn");
                continue;
            }
            double expectedCount = expected[token] * draws;
            chiSquare += (counts[token] - expectedCount) * (counts[token] - expectedCount) / expectedCount;
            bins++;
        }
        int df = bins - 1;
        // Wilson–Hilferty upper 0.1% quantile of chi-square(df).
        double h = 2.0 / (9 * df);
        double bound = df * Math.pow(1 - h + 3.09 * Math.sqrt(h), 3);
        System.out.printf("chi-square %.2f over %d bins (0.1%% bound %.2f)%n", chiSquare, bins, bound);
        assertTrue(bins >= 5, "the test distribution should keep several tokens, kept " + bins);
        assertTrue(chiSquare < bound, "chi-square " + chiSquare + " exceeds " + bound);
    }

    @Test
    void sameSeedRepeatsAndDifferentSeedsDiffer() {
        int vocab = 500;
        float[] logits = randomLogits(vocab, 3, 1);
        int[] first = drawSequence(42L, logits, 200);
        assertArrayEquals(first, drawSequence(42L, logits, 200));
        assertNotEquals(Arrays.toString(first), Arrays.toString(drawSequence(43L, logits, 200)));
    }

    private static int[] drawSequence(long seed, float[] logits, int n) {
        Sampler sampler = new Sampler(ReferenceSampling.params(1, 0.95, 0, 0, seed), logits.length);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) tokens[i] = sampler.sample(logits.clone(), 0, NONE, NONE, 0).tokenId();
        return tokens;
    }

    @Test
    void penaltiesChangeExactlyTheExpectedLogits() {
        int vocab = 300;
        float[] raw = randomLogits(vocab, 11, 2);
        int[] prompt = {5, 7, 7, 9, 250, 5};
        int[] outputBuffer = {7, 12, 12, 12, 250, 40, 299, 0, -1, -1};  // only the first 8 count
        int outputCount = 8;
        int[] output = Arrays.copyOf(outputBuffer, outputCount);

        LogitPenalties penalties = new LogitPenalties(1.3, 0.4, 0.25, vocab);
        float[] actual = raw.clone();
        penalties.apply(actual, 0, prompt, outputBuffer, outputCount);
        SamplingParams params = new SamplingParams(16, 1, 1, 0, 0, 1L, List.of(), Set.of(), false, 0.4, 0.25, 1.3, Map.of(), -1);
        double[] expected = ReferenceSampling.modifiedLogits(raw, params, prompt, output);
        for (int t = 0; t < vocab; t++) {
            assertEquals(expected[t], actual[t], 1e-5 * Math.max(1, Math.abs(expected[t])), "logit of token " + t);
        }
        // A second call with the same prompt (cached) and one more output token.
        int[] longer = {7, 12, 12, 12, 250, 40, 299, 0, 12};
        float[] again = raw.clone();
        penalties.apply(again, 0, prompt, longer, longer.length);
        double[] expectedAgain = ReferenceSampling.modifiedLogits(raw, params, prompt, longer);
        for (int t = 0; t < vocab; t++) assertEquals(expectedAgain[t], again[t], 1e-5 * Math.max(1, Math.abs(expectedAgain[t])));
    }

    @Test
    void biasAndPenaltiesShapeTheDistributionEndToEnd() {
        int vocab = 200;
        float[] raw = randomLogits(vocab, 5, 2);
        int[] prompt = {1, 2, 3, 3};
        int[] output = {3, 4, 4, 150};
        SamplingParams params = new SamplingParams(16, 0.9, 1, 0, 0, 1L, List.of(), Set.of(), false, 0.5, 0.3, 1.2,
                Map.of(17, 3.0, 4, -2.5), -1);
        double[] expected = ReferenceSampling.finalDistribution(ReferenceSampling.modifiedLogits(raw, params, prompt, output), params);
        double[] actual = new Sampler(params, vocab).finalDistribution(raw, 0, prompt, output, output.length);
        assertKeptSetAndProbabilities(expected, actual, "bias + penalties");

        float[] forced = raw.clone();
        SamplingParams forceToken = new SamplingParams(4, 0, 1, 0, 0, null, List.of(), Set.of(), false, 0, 0, 1, Map.of(123, 100.0), -1);
        assertEquals(123, new Sampler(forceToken, vocab).sample(forced, 0, NONE, NONE, 0).tokenId());
    }

    @Test
    void logprobsAreOfTheRawDistributionAndLeaveTheCallersRowIntact() {
        int vocab = 151_936;
        float[] logits = randomLogits(vocab, 21, 5);
        float[] untouched = logits.clone();
        SamplingParams params = new SamplingParams(16, 1, 0.9, 0, 0, 7L, List.of(), Set.of(), false, 0, 0, 1.1,
                Map.of(3, 50.0), 5);
        SampledToken token = new Sampler(params, vocab).sample(logits, 0, new int[] {1, 2}, NONE, 0);
        assertEquals(3, token.tokenId(), "a +50 bias makes token 3 all but certain");
        assertArrayEquals(untouched, logits);
        double[] reference = referenceLogSoftmax(untouched);
        assertEquals(reference[3], token.logprobs().logprob(), 1e-5, "log-prob is of the raw logits, before the bias");
        assertEquals(5, token.logprobs().top().size());
    }

    @Test
    void logprobsMatchADoubleLogSoftmaxWithTheTopInOrder() {
        int vocab = 151_936;
        int offset = 17;
        float[] row = randomLogits(vocab, 8, 6);
        float[] padded = new float[vocab + 40];
        System.arraycopy(row, 0, padded, offset, vocab);
        double[] reference = referenceLogSoftmax(row);
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> reference[a] != reference[b] ? Double.compare(reference[b], reference[a]) : Integer.compare(a, b));

        TokenLogprobs result = Logprobs.of(padded, offset, vocab, 1234, 20);
        assertEquals(1234, result.tokenId());
        assertEquals(reference[1234], result.logprob(), 1e-5);
        assertEquals(20, result.top().size());
        for (int i = 0; i < 20; i++) {
            assertEquals(order[i], result.top().get(i).tokenId(), "rank " + i);
            assertEquals(reference[order[i]], result.top().get(i).logprob(), 1e-5);
        }
        assertTrue(Logprobs.of(padded, offset, vocab, 0, 0).top().isEmpty());
        float[] ties = {2, 7, 7, 1};
        List<TokenLogprobs.TokenLogprob> top = Logprobs.of(ties, 0, 4, 0, 3).top();
        assertEquals(List.of(1, 2, 0), top.stream().map(TokenLogprobs.TokenLogprob::tokenId).toList());
    }

    private static double[] referenceLogSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double lse = max + Math.log(sum);
        double[] result = new double[logits.length];
        for (int i = 0; i < logits.length; i++) result[i] = logits[i] - lse;
        return result;
    }

    @Test
    void invalidParametersAreRejectedNamingTheField() {
        IllegalArgumentException topP = assertThrows(IllegalArgumentException.class,
                () -> new Sampler(ReferenceSampling.params(1, 0, 0, 0, null), 10));
        assertTrue(topP.getMessage().contains("top_p"), topP.getMessage());
        SamplingParams badBias = new SamplingParams(4, 1, 1, 0, 0, null, List.of(), Set.of(), false, 0, 0, 1, Map.of(10, 1.0), -1);
        IllegalArgumentException bias = assertThrows(IllegalArgumentException.class, () -> new Sampler(badBias, 10));
        assertTrue(bias.getMessage().contains("logit_bias") && bias.getMessage().contains("10"), bias.getMessage());
        IllegalArgumentException temperature = assertThrows(IllegalArgumentException.class,
                () -> new Sampler(ReferenceSampling.params(-1, 1, 0, 0, null), 10));
        assertTrue(temperature.getMessage().contains("temperature"), temperature.getMessage());
    }

    /** Not an assertion: the cost of one sample() at a Qwen-sized vocabulary, for the integrator. */
    @Test
    void printSampleCostAtQwenVocabulary() {
        int vocab = 151_936;
        float[] logits = randomLogits(vocab, 1, 3);
        time("greedy", new Sampler(SamplingParams.greedy(16), vocab), logits);
        time("top_p=0.9 T=1", new Sampler(ReferenceSampling.params(1, 0.9, 0, 0, 1L), vocab), logits);
        time("top_k=50 top_p=0.9 T=0.7", new Sampler(ReferenceSampling.params(0.7, 0.9, 50, 0, 1L), vocab), logits);
        time("top_p=0.9 + 5 logprobs", new Sampler(new SamplingParams(16, 1, 0.9, 0, 0, 1L, List.of(), Set.of(), false,
                0, 0, 1, Map.of(), 5), vocab), logits);
    }

    private static void time(String label, Sampler sampler, float[] logits) {
        float[] work = new float[logits.length];
        int[] output = new int[64];
        for (int i = 0; i < 200; i++) {
            System.arraycopy(logits, 0, work, 0, logits.length);
            sampler.sample(work, 0, NONE, output, 0);
        }
        // Thread CPU time, not wall time: the build machine is shared, so wall time mostly measures the neighbours.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int calls = 300;
        long cpu = 0;
        for (int i = 0; i < calls; i++) {
            System.arraycopy(logits, 0, work, 0, logits.length);
            long start = threads.getCurrentThreadCpuTime();
            sampler.sample(work, 0, NONE, output, 0);
            cpu += threads.getCurrentThreadCpuTime() - start;
        }
        System.out.printf("Sampler.sample at vocab %d, %s: %.0f µs CPU per call%n", logits.length, label, cpu / 1e3 / calls);
    }

    private static void assertKeptSetAndProbabilities(double[] expected, double[] actual, String label) {
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t] > 0, actual[t] > 0, label + ": token " + t + " kept?");
            assertEquals(expected[t], actual[t], 1e-6, label + ": probability of token " + t);
        }
    }
}
