package dev.lorafoundry.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Packs encoded SFT examples into sequences of exactly cutoff_len tokens: greedy best fit (the longest example that
 * still fits, as LLaMA-Factory's knapsack), padded at the end, with per-example positions and segments.
 */
public final class SftPacker {

    private final int cutoffLen;
    private final int padId;

    public SftPacker(int cutoffLen, int padId) {
        if (cutoffLen < 1) {
            throw new IllegalArgumentException("cutoff_len must be at least 1 to pack, got " + cutoffLen);
        }
        this.cutoffLen = cutoffLen;
        this.padId = padId;
    }

    public List<PackedSequence> pack(List<EncodedExample> examples) {
        List<EncodedExample> remaining = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            EncodedExample example = examples.get(i);
            if (example.length() > cutoffLen) {
                throw new IllegalArgumentException("example " + i + " has " + example.length() + " tokens, more than "
                        + "cutoff_len " + cutoffLen + "; encode with the same cutoff_len you pack with");
            }
            if (example.length() > 0) {
                remaining.add(example);
            }
        }
        remaining.sort(Comparator.comparingInt(EncodedExample::length)); // stable: equal lengths keep input order
        List<PackedSequence> packed = new ArrayList<>();
        while (!remaining.isEmpty()) {
            List<EncodedExample> bin = new ArrayList<>();
            int free = cutoffLen;
            while (true) {
                int fit = largestFitting(remaining, free);
                if (fit < 0) {
                    break;
                }
                EncodedExample chosen = remaining.remove(fit);
                bin.add(chosen);
                free -= chosen.length();
            }
            packed.add(sequence(bin));
        }
        return packed;
    }

    /** Index of the longest example no longer than free in the ascending list, or -1. */
    private static int largestFitting(List<EncodedExample> ascending, int free) {
        int lo = 0, hi = ascending.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ascending.get(mid).length() <= free) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - 1;
    }

    private PackedSequence sequence(List<EncodedExample> bin) {
        int[] ids = new int[cutoffLen];
        boolean[] loss = new boolean[cutoffLen];
        int[] positions = new int[cutoffLen];
        int[] segments = new int[cutoffLen];
        Arrays.fill(ids, padId);
        int at = 0;
        for (int e = 0; e < bin.size(); e++) {
            EncodedExample example = bin.get(e);
            for (int i = 0; i < example.length(); i++) {
                ids[at] = example.inputIds()[i];
                loss[at] = example.lossMask()[i];
                positions[at] = i;
                segments[at] = e + 1;
                at++;
            }
        }
        return new PackedSequence(ids, loss, positions, segments);
    }
}
