package dev.lorafoundry.training;

import java.util.Locale;

/**
 * The learning rate of each optimizer step, as Hugging Face's schedulers compute it: linear warm-up from 0, then
 * cosine (half a cycle down to 0), linear (down to 0) or constant. Step s (0-based) uses {@code peak · factor(s)}.
 */
public record LearningRateSchedule(String type, double peak, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        type = type == null ? "cosine" : type.trim().toLowerCase(Locale.ROOT);
        if (!type.equals("cosine") && !type.equals("linear") && !type.equals("constant")) {
            throw new IllegalArgumentException("lr_scheduler_type \"" + type + "\" is not supported; use cosine, "
                    + "linear or constant");
        }
    }

    /** Warm-up steps as HF derives them: warmup_steps if set, else ⌈warmup_ratio · total⌉. */
    public static LearningRateSchedule of(String type, double peak, int warmupSteps, double warmupRatio,
                                          int totalSteps) {
        int warmup = warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
        return new LearningRateSchedule(type, peak, warmup, totalSteps);
    }

    public double at(int step) {
        return peak * factor(step);
    }

    private double factor(int step) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return switch (type) {
            case "linear" -> Math.max(0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case "cosine" -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
            }
            default -> 1;
        };
    }
}
