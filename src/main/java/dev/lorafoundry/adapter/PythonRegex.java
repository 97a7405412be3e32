package dev.lorafoundry.adapter;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiles the Python {@code re} patterns PEFT configs hold with java.util.regex, translating the syntax that differs. */
final class PythonRegex {

    private PythonRegex() {}

    /** Python's named groups {@code (?P<n>…)}, back-references {@code (?P=n)} and {@code \Z} in Java spelling. */
    static String toJava(String python) {
        return python.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>").replace("\\Z", "\\z");
    }

    /** Compiles the pattern, or throws naming the field it came from. */
    static Pattern compile(String python, String where) {
        try {
            return Pattern.compile(toJava(python));
        } catch (PatternSyntaxException e) {
            throw new AdapterFormatException(where + " is not a valid regular expression (" + e.getDescription()
                    + " near index " + e.getIndex() + "): " + python);
        }
    }
}
