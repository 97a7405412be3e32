package dev.lorafoundry.training;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything a run reports. */
class RecordingListener implements TrainingListener {

    final List<TrainingMetrics> metrics = new CopyOnWriteArrayList<>();
    final List<double[]> evaluations = new CopyOnWriteArrayList<>();
    final List<Path> checkpoints = new CopyOnWriteArrayList<>();
    final List<String> messages = new CopyOnWriteArrayList<>();
    volatile int totalSteps = -1;
    volatile int examples = -1;

    @Override
    public void onStart(int examples, int totalSteps, int skippedRecords) {
        this.examples = examples;
        this.totalSteps = totalSteps;
    }

    @Override
    public void onMetrics(TrainingMetrics m) {
        metrics.add(m);
    }

    @Override
    public void onEvaluation(int step, double validLoss, double validMeanTokenAccuracy) {
        evaluations.add(new double[] {step, validLoss, validMeanTokenAccuracy});
    }

    @Override
    public void onCheckpoint(int step, Path dir) {
        checkpoints.add(dir);
    }

    @Override
    public void onMessage(String message) {
        messages.add(message);
    }

    double[] losses() {
        return metrics.stream().mapToDouble(TrainingMetrics::trainLoss).toArray();
    }
}
