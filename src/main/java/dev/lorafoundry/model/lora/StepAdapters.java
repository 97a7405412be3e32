package dev.lorafoundry.model.lora;

import java.util.ArrayList;
import java.util.List;

/**
 * Which adapter each token of a step runs with, as runs of consecutive tokens sharing one adapter (the segments of a
 * segmented gather matmul). Tokens without an adapter belong to no segment.
 */
public final class StepAdapters {

    /** Tokens [start, start + count) of the step use {@code adapter}. */
    public record Segment(int start, int count, PreparedLora adapter) {}

    private final List<Segment> segments;

    private StepAdapters(List<Segment> segments) {
        this.segments = segments;
    }

    /**
     * @param tokenCounts tokens per row in step order
     * @param adapters    each row's adapter, or null for the base model
     * @return null when no row has an adapter
     */
    public static StepAdapters of(int[] tokenCounts, PreparedLora[] adapters) {
        List<Segment> segments = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < tokenCounts.length; i++) {
            PreparedLora adapter = adapters[i];
            if (adapter != null) {
                Segment last = segments.isEmpty() ? null : segments.getLast();
                if (last != null && last.adapter() == adapter && last.start() + last.count() == offset) {
                    segments.set(segments.size() - 1, new Segment(last.start(), last.count() + tokenCounts[i], adapter));
                } else {
                    segments.add(new Segment(offset, tokenCounts[i], adapter));
                }
            }
            offset += tokenCounts[i];
        }
        return segments.isEmpty() ? null : new StepAdapters(List.copyOf(segments));
    }

    public List<Segment> segments() {
        return segments;
    }

    /** True if some token's adapter adapts this projection. */
    public boolean adapts(int layer, ProjectionKind kind) {
        for (Segment s : segments) {
            if (s.adapter().projection(layer, kind) != null) {
                return true;
            }
        }
        return false;
    }
}
