package dev.lorafoundry.training.data;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The truncation split agrees with the cases LLaMA-Factory's own tests publish for infer_seqlen. */
class CutoffSplitTest {

    @ParameterizedTest(name = "source {0}, target {1}, budget {2} -> {3} + {4}")
    @CsvSource({
            "3000, 2000, 1000, 600, 400",
            "2000, 3000, 1000, 400, 600",
            "1000, 100, 1000, 900, 100",
            "100, 1000, 1000, 100, 900",
            "100, 500, 1000, 100, 500",
            "500, 100, 1000, 500, 100",
            "10, 10, 1000, 10, 10"})
    void matchesLlamaFactory(int source, int target, int budget, int keptSource, int keptTarget) {
        assertEquals(new CutoffSplit(keptSource, keptTarget), CutoffSplit.of(source, target, budget));
    }
}
