package dev.lorafoundry.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lorafoundry.engine.Engine;
import dev.lorafoundry.testsupport.EngineTestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Resuming from a checkpoint continues with the very losses of an uninterrupted run: same data order, learning rates,
 * optimizer moments, dropout masks and NEFTune noise.
 */
class ResumeTest {

    private static SpecBuilder spec(Path out) {
        SpecBuilder spec = new SpecBuilder(SpecBuilder.alpaca("identity", SpecBuilder.identity(10, "Foundry", "LoRA Labs")),
                out);
        spec.learningRate = 5e-3;
        spec.warmupSteps = 3;
        spec.batchSize = 2;
        spec.gradientAccumulationSteps = 2;
        spec.maxSteps = 12;
        spec.saveSteps = 4;
        spec.loraDropout = 0.1;
        spec.neftuneNoiseAlpha = 5;
        spec.weightDecay = 0.01;
        spec.seed = 1234;
        return spec;
    }

    @Test
    void resumedRunRepeatsTheUninterruptedLossesStepByStep() throws Exception {
        Path modelDir = TrainingModels.write(TrainingModels.SMALL);
        try (Engine engine = new Engine(new EngineTestConfig(modelDir, 4, 32), new SimpleMeterRegistry())) {
            RecordingListener whole = new RecordingListener();
            engine.train(spec(Path.of("target/test-output/resume/whole")).build(), whole).completion()
                    .get(120, TimeUnit.SECONDS);
            assertEquals(12, whole.metrics.size());

            Path interruptedDir = Path.of("target/test-output/resume/interrupted");
            AtomicReference<TrainingHandle> handle = new AtomicReference<>();
            RecordingListener first = new RecordingListener() {
                @Override
                public void onCheckpoint(int step, Path dir) {
                    super.onCheckpoint(step, dir);
                    if (step == 4) {
                        handle.get().cancel();
                    }
                }
            };
            handle.set(engine.train(spec(interruptedDir).build(), first));
            assertThrows(CancellationException.class, () -> handle.get().completion().get(120, TimeUnit.SECONDS));
            assertEquals(4, first.metrics.size(), "cancelled within one optimizer step of the checkpoint");
            Path checkpoint = interruptedDir.resolve("checkpoint-4");
            assertTrue(Files.isRegularFile(checkpoint.resolve("optimizer.safetensors")));

            SpecBuilder resume = spec(interruptedDir);
            resume.resumeFrom = checkpoint;
            RecordingListener second = new RecordingListener();
            TrainingResult result = engine.train(resume.build(), second).completion().get(120, TimeUnit.SECONDS);
            assertEquals(12, result.steps());
            assertEquals(8, second.metrics.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(whole.metrics.get(i).trainLoss(), first.metrics.get(i).trainLoss(), 0,
                        "step " + (i + 1) + " before the interruption");
            }
            for (int i = 0; i < 8; i++) {
                TrainingMetrics expected = whole.metrics.get(4 + i);
                TrainingMetrics actual = second.metrics.get(i);
                assertEquals(expected.step(), actual.step());
                assertEquals(expected.learningRate(), actual.learningRate(), 0, "learning rate at step " + actual.step());
                assertEquals(expected.trainLoss(), actual.trainLoss(), 1e-6, "loss at step " + actual.step());
                assertEquals(expected.gradNorm(), actual.gradNorm(), 1e-6 * expected.gradNorm(),
                        "grad norm at step " + actual.step());
                assertEquals(expected.trainedTokens(), actual.trainedTokens());
            }
        }
    }
}
