package dev.lorafoundry.engine;

import java.util.List;

/** Finds stop strings in streamed text, holding back any suffix that could still become a stop string. */
public final class StopStringMatcher {

    /**
     * What {@link #push} decided.
     *
     * @param emit    text safe to show the user now; when stopped, it ends right before the stop string
     * @param stopped a stop string appeared; the sequence should end and later pushes emit nothing
     */
    public record Result(String emit, boolean stopped) {}

    private final List<String> stops;
    private String pending = "";
    private String matchedStop;

    public StopStringMatcher(List<String> stops) {
        // An empty stop string would match everywhere; OpenAI clients never mean that, so it is ignored.
        this.stops = stops == null ? List.of() : stops.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** Appends newly decoded text; returns what can be emitted and whether a stop string was found. */
    public Result push(String delta) {
        if (matchedStop != null) {
            return new Result("", true);
        }
        String text = pending + (delta == null ? "" : delta);
        int earliest = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
                matchedStop = stop;
            }
        }
        if (earliest >= 0) {
            pending = "";
            return new Result(text.substring(0, earliest), true);
        }
        int keep = heldBackLength(text);
        pending = text.substring(text.length() - keep);
        return new Result(text.substring(0, text.length() - keep), false);
    }

    /** Held-back text when the sequence ends for another reason. */
    public String flush() {
        String rest = pending;
        pending = "";
        return rest;
    }

    /** The stop string that ended the text (the earliest one), or null while none has. */
    public String matchedStop() {
        return matchedStop;
    }

    /** Length of the longest suffix of text that is a proper prefix of some stop string. */
    private int heldBackLength(String text) {
        int keep = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > keep; length--) {
                if (text.regionMatches(text.length() - length, stop, 0, length)) {
                    keep = length;
                    break;
                }
            }
        }
        // Never split a surrogate pair: a delta cut mid-character holds its high half back too.
        if (keep < text.length() && Character.isHighSurrogate(text.charAt(text.length() - keep - 1))) {
            keep++;
        }
        return keep;
    }
}
