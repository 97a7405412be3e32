package dev.lorafoundry.defaultmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pieces BPE merges never cross, with the regex Qwen2/Qwen3 use (English contractions, letter
 * runs with one leading non-letter, single digits, punctuation runs, whitespace). Single digits matter here: the
 * default model learns arithmetic, and one token per digit keeps numbers spelled the same everywhere.
 */
final class PreTokenizer {

    /** The pattern as written into tokenizer.json's Split pre-tokenizer (Oniguruma syntax, which Java reads alike). */
    static final String PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    // Oniguruma's \s and case folding are Unicode-aware; Java's are ASCII-only unless asked.
    private static final Pattern COMPILED = Pattern.compile(PATTERN, Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE);

    private PreTokenizer() {}

    /** The pieces of text in order; like the "Isolated" Split behaviour, text between matches is a piece too. */
    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher matcher = COMPILED.matcher(text);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() > end) {
                pieces.add(text.substring(end, matcher.start()));
            }
            if (matcher.end() > matcher.start()) {
                pieces.add(matcher.group());
            }
            end = matcher.end();
        }
        if (end < text.length()) {
            pieces.add(text.substring(end));
        }
        return pieces;
    }
}
