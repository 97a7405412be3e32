package dev.lorafoundry.defaultmodel;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pre-training text: correct facts, every fact the conversations ask, the requested size, determinism. */
class CorpusGeneratorTest {

    private static final Pattern EQUATION = Pattern.compile("(\\d+) ([+\\-×]) (\\d+) = (-?\\d+)");
    private static final Pattern WORDED = Pattern.compile("(\\d+) (plus|minus|times) (\\d+) is (-?\\d+)");

    private final List<String> documents = new CorpusGenerator(AssistantIdentity.FOUNDRY).generate(5, 300_000);

    @Test
    void everyStatedFactIsTrue() {
        String text = CorpusGenerator.text(documents);
        int checked = check(EQUATION.matcher(text), "+", "-", "×") + check(WORDED.matcher(text), "plus", "minus", "times");
        Matcher takeAway = Pattern.compile("If you take (\\d+) away from (\\d+), you get (-?\\d+)").matcher(text);
        while (takeAway.find()) {
            assertEquals(Integer.parseInt(takeAway.group(2)) - Integer.parseInt(takeAway.group(1)),
                    Integer.parseInt(takeAway.group(3)), takeAway.group());
            checked++;
        }
        Matcher groups = Pattern.compile("(\\d+) groups of (\\d+) make (\\d+)").matcher(text);
        while (groups.find()) {
            assertEquals(Integer.parseInt(groups.group(1)) * Integer.parseInt(groups.group(2)),
                    Integer.parseInt(groups.group(3)), groups.group());
            checked++;
        }
        assertTrue(checked > 1000, checked + " facts");
    }

    private static int check(Matcher m, String plus, String minus, String times) {
        // the third operation is the only one left: times
        int n = 0;
        while (m.find()) {
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long expected = m.group(2).equals(plus) ? a + b : m.group(2).equals(minus) ? a - b : a * b;
            assertEquals(expected, Long.parseLong(m.group(4)), m.group());
            n++;
        }
        return n;
    }

    @Test
    void statesEverySmallFactIncludingTheHeldOutOnes() {
        String text = CorpusGenerator.text(documents);
        for (int a = 0; a <= 20; a++) {
            for (int b = 0; b <= 20; b++) {
                assertTrue(text.contains(" " + a + " + " + b + " = " + (a + b) + "."), a + " + " + b);
                if (b <= a) {
                    assertTrue(text.contains(" " + a + " - " + b + " = " + (a - b) + "."), a + " - " + b);
                }
                if (a <= 10 && b <= 10) {
                    assertTrue(text.contains(" " + a + " × " + b + " = " + (a * b) + "."), a + " × " + b);
                }
            }
        }
        for (ArithmeticProblem problem : ConversationGenerator.HELD_OUT_PROBLEMS) {
            assertTrue(text.contains(problem.equation()), problem.equation());
        }
    }

    @Test
    void documentsAreSingleLinesAndTheSizeIsAsAsked() {
        long size = 0;
        for (String document : documents) {
            assertFalse(document.isBlank());
            assertFalse(document.contains("\n") || document.contains("\r"), document);
            size += document.length() + 1;
        }
        assertTrue(size >= 300_000 && size < 302_000, size + " characters");
        String text = CorpusGenerator.text(documents);
        assertTrue(text.contains("Foundry is a small AI assistant made by LoRA Foundry."));
        assertTrue(text.contains("degrees celsius"));
        assertTrue(text.contains("The current time in "));
    }

    @Test
    void sameSeedSameTextOtherSeedOtherText() {
        assertEquals(documents, new CorpusGenerator(AssistantIdentity.FOUNDRY).generate(5, 300_000));
        assertNotEquals(documents, new CorpusGenerator(AssistantIdentity.FOUNDRY).generate(6, 300_000));
    }

    @Test
    void theIdentityIsAParameter() {
        String text = CorpusGenerator.text(new CorpusGenerator(new AssistantIdentity("Nova", "Acme Labs")).generate(5, 100_000));
        assertTrue(text.contains("Nova is a small AI assistant made by Acme Labs."));
        assertFalse(text.contains("Foundry"));
    }
}
