package dev.lorafoundry.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line numbers and reasons the validator reports, checked against files written by hand. */
class JsonlValidatorTest {

    @Test
    void countsRecordsAndSkipsBlankLinesCrLfAndAByteOrderMark() throws IOException {
        String text = "\uFEFF{\"text\":\"a\"}\r\n\r\n   \n{\"text\":\"b\"}";
        JsonlReport report = JsonlValidator.fineTuning().validate(stream(text));
        assertEquals(2, report.records());
        assertTrue(report.valid(), report.toString());
    }

    @Test
    void reportsOneBasedLineNumbersWithReasons() throws IOException {
        String text = "{\"text\":\"a\"}\n\n{oops}\n42\n{\"text\":\"b\"} {\"text\":\"c\"}\n{\"text\":7}\n";
        List<JsonlProblem> problems = JsonlValidator.fineTuning().validate(stream(text)).problems();
        assertEquals(List.of(3L, 4L, 5L, 6L), problems.stream().map(JsonlProblem::line).toList(), problems.toString());
        assertTrue(problems.get(0).reason().startsWith("not valid JSON"), problems.get(0).reason());
        assertEquals("expected a JSON object, found number", problems.get(1).reason());
        assertTrue(problems.get(2).reason().startsWith("not valid JSON"), "two objects on one line: " + problems.get(2).reason());
        assertEquals("'text' must be a string", problems.get(3).reason());
    }

    @Test
    void plainJsonObjectsNeedNoTrainingShape() throws IOException {
        assertTrue(JsonlValidator.jsonObjects().validate(stream("{\"anything\":1}\n")).valid());
        assertFalse(JsonlValidator.fineTuning().validate(stream("{\"anything\":1}\n")).valid());
    }

    @Test
    void listsTheFirstTenProblemsAndSaysThereAreMore() throws IOException {
        JsonlReport report = JsonlValidator.jsonObjects().validate(stream("x\n".repeat(25)));
        assertEquals(JsonlValidator.MAX_PROBLEMS, report.problems().size());
        assertEquals(10, report.problems().getLast().line());
        assertTrue(report.moreProblems());
    }

    @Test
    void invalidUtf8IsAProblemOnItsLine() throws IOException {
        byte[] bytes = "{\"text\":\"ok\"}\n{\"text\":\"\u00ff\u00fe\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        List<JsonlProblem> problems = JsonlValidator.fineTuning().validate(new ByteArrayInputStream(bytes)).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(2, problems.getFirst().line());
        assertTrue(problems.getFirst().reason().contains("UTF-8"), problems.getFirst().reason());
    }

    @Test
    void linesLongerThanTheReadBufferAreWhole() throws IOException {
        String longText = "y".repeat(200_000);
        JsonlReport report = JsonlValidator.fineTuning().validate(stream("{\"text\":\"" + longText + "\"}\n{\"text\":1}\n"));
        assertEquals(1, report.records());
        assertEquals(List.of(new JsonlProblem(2, "'text' must be a string")), report.problems());
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
