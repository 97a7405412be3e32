package dev.lorafoundry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Feeds deltas; returns everything emitted (plus the flush when no stop was hit) and whether it stopped. */
    private static StopStringMatcher.Result feed(List<String> stops, List<String> deltas) {
        StopStringMatcher matcher = new StopStringMatcher(stops);
        StringBuilder emitted = new StringBuilder();
        for (String delta : deltas) {
            StopStringMatcher.Result result = matcher.push(delta);
            emitted.append(result.emit());
            if (result.stopped()) return new StopStringMatcher.Result(emitted.toString(), true);
        }
        return new StopStringMatcher.Result(emitted.append(matcher.flush()).toString(), false);
    }

    @Test
    void stopSplitAcrossDeltasIsHeldBackThenCut() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("</s>"));
        assertEquals(new StopStringMatcher.Result("Hello ", false), matcher.push("Hello <"));
        assertEquals(new StopStringMatcher.Result("", false), matcher.push("/"));
        assertEquals(new StopStringMatcher.Result("", true), matcher.push("s> and more"));
        assertEquals("</s>", matcher.matchedStop());
        assertEquals(new StopStringMatcher.Result("", true), matcher.push("anything"), "stays stopped");
        assertEquals("", matcher.flush());
    }

    @Test
    void heldBackTextIsReleasedWhenItStopsMatching() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("</s>"));
        assertEquals(new StopStringMatcher.Result("a", false), matcher.push("a</"));
        assertEquals(new StopStringMatcher.Result("</b>", false), matcher.push("b>"));
        assertNull(matcher.matchedStop());
    }

    @Test
    void overlappingStopsAndSelfOverlap() {
        assertEquals(new StopStringMatcher.Result("x", true), feed(List.of("bcd", "abc"), List.of("xabcd")));
        assertEquals(new StopStringMatcher.Result("a", true), feed(List.of("aab"), List.of("a", "a", "a", "b")));
        // "bc" completes before "abcdef" could: generation ends at the first complete stop.
        assertEquals(new StopStringMatcher.Result("a", true), feed(List.of("abcdef", "bc"), List.of("ab", "c", "def")));
    }

    @Test
    void stopAtTheVeryStart() {
        assertEquals(new StopStringMatcher.Result("", true), feed(List.of("STOP"), List.of("STOP right there")));
        assertEquals(new StopStringMatcher.Result("", true), feed(List.of("STOP"), List.of("S", "TO", "P")));
    }

    @Test
    void earliestOfSeveralStopsWins() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("world", "hello", "lo w"));
        assertEquals(new StopStringMatcher.Result("say ", true), matcher.push("say hello world"));
        assertEquals("hello", matcher.matchedStop());
    }

    @Test
    void unicodeStopsSplitBetweenCodePoints() {
        assertEquals(new StopStringMatcher.Result("答え: 42", true), feed(List.of("終わり"), List.of("答え: 42終", "わ", "り。")));
        assertEquals(new StopStringMatcher.Result("ok ", true), feed(List.of("🛑stop"), List.of("ok 🛑", "st", "op")));
        StopStringMatcher matcher = new StopStringMatcher(List.of("###"));
        assertEquals(new StopStringMatcher.Result("x", false), matcher.push("x\uD83D"), "a lone high surrogate waits for its pair");
        assertEquals(new StopStringMatcher.Result("😀", false), matcher.push("\uDE00"));
    }

    @Test
    void flushReturnsHeldBackTextOnce() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("###"));
        assertEquals(new StopStringMatcher.Result("abc", false), matcher.push("abc##"));
        assertEquals("##", matcher.flush());
        assertEquals("", matcher.flush());
        StopStringMatcher none = new StopStringMatcher(List.of("", "x"));
        assertEquals(new StopStringMatcher.Result("abc", false), none.push("abc"), "an empty stop string is ignored");
    }

    /** Random text and random delta splits against the plain definition: cut at the earliest stop. */
    @Test
    void matchesTheWholeTextReferenceOnRandomSplits() {
        Random random = new Random(2024);
        List<String> stops = List.of("ab", "bca", "cc", "abcab");
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(20);
            for (int i = 0; i < length; i++) text.append("abcd".charAt(random.nextInt(4)));
            List<String> deltas = new ArrayList<>();
            for (int at = 0; at < text.length(); ) {
                int next = Math.min(text.length(), at + random.nextInt(4));
                deltas.add(text.substring(at, next));
                at = next;
            }
            int cut = -1;
            for (String stop : stops) {
                int at = text.indexOf(stop);
                if (at >= 0 && (cut < 0 || at < cut)) cut = at;
            }
            String expected = cut < 0 ? text.toString() : text.substring(0, cut);
            StopStringMatcher.Result result = feed(stops, deltas);
            assertEquals(cut >= 0, result.stopped(), "trial " + trial + " " + deltas);
            assertEquals(expected, result.emit(), "trial " + trial + " " + deltas);
            assertFalse(stops.stream().anyMatch(result.emit()::contains), "emitted text never contains a stop");
        }
    }

    @Test
    void nothingIsHeldBackWithoutStops() {
        StopStringMatcher matcher = new StopStringMatcher(List.of());
        assertEquals(new StopStringMatcher.Result("anything <", false), matcher.push("anything <"));
        assertTrue(matcher.flush().isEmpty());
    }
}
