package dev.lorafoundry.tokenizer;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Python's str methods ({@code content.startswith('x')}, {@code .split(sep)} returning a list, ...)
 * for jinjava, which would otherwise call Java's String methods (regex split, no lstrip(chars)).
 * Also resolves the {@link #REVERSED} key that {@code [::-1]} is rewritten to.
 */
final class PythonStringMethods extends ELResolver {

    /** x[::-1] is rewritten to x['__lf_reversed__'] before rendering: jinjava cannot parse a slice step. */
    static final String REVERSED = "__lf_reversed__";

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (!REVERSED.equals(property)) {
            return null;
        }
        if (base instanceof String text) {
            context.setPropertyResolved(true);
            return new StringBuilder(text).reverse().toString();
        }
        if (base instanceof Collection<?> items) {
            context.setPropertyResolved(true);
            List<Object> reversed = new ArrayList<>(items);
            Collections.reverse(reversed);
            return reversed;
        }
        return null;
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String text) || !(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(text, name, args);
        if (result != NOT_HANDLED) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object call(String text, String name, Object[] args) {
        return switch (name) {
            case "startswith" -> matchesAny(args, prefix -> text.startsWith(prefix, start(text, args)));
            case "endswith" -> matchesAny(args, text::endsWith);
            case "strip" -> rstrip(lstrip(text, chars(args)), chars(args));
            case "lstrip" -> lstrip(text, chars(args));
            case "rstrip" -> rstrip(text, chars(args));
            case "split" -> split(text, arg(args, 0), maxSplit(args));
            case "replace" -> replace(text, String.valueOf(args[0]), String.valueOf(args[1]),
                    args.length > 2 ? ((Number) args[2]).intValue() : -1);
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "title" -> title(text);
            case "capitalize" -> text.isEmpty() ? text
                    : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
            case "find" -> (long) text.indexOf(String.valueOf(args[0]));
            case "count" -> (long) count(text, String.valueOf(args[0]));
            case "join" -> join(text, args[0]);
            case "isdigit" -> !text.isEmpty() && text.chars().allMatch(Character::isDigit);
            case "isspace" -> !text.isEmpty() && text.chars().allMatch(PythonStringMethods::isPythonSpace);
            default -> NOT_HANDLED;
        };
    }

    private static String arg(Object[] args, int index) {
        return args.length > index && args[index] != null ? String.valueOf(args[index]) : null;
    }

    private static String chars(Object[] args) {
        return arg(args, 0);
    }

    private static int start(String text, Object[] args) {
        return args.length > 1 && args[1] instanceof Number n ? Math.min(n.intValue(), text.length()) : 0;
    }

    private static int maxSplit(Object[] args) {
        return args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
    }

    /** startswith/endswith accept one string or a tuple (list) of candidates. */
    private static boolean matchesAny(Object[] args, java.util.function.Predicate<String> test) {
        if (args.length > 0 && args[0] instanceof Collection<?> candidates) {
            return candidates.stream().anyMatch(candidate -> test.test(String.valueOf(candidate)));
        }
        return test.test(String.valueOf(args[0]));
    }

    /** Python's str.isspace() characters. */
    private static boolean isPythonSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1c && c <= 0x1f);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isPythonSpace(c) : chars.indexOf(c) >= 0;
    }

    private static String lstrip(String text, String chars) {
        int start = 0;
        while (start < text.length() && stripped(text.charAt(start), chars)) {
            start++;
        }
        return text.substring(start);
    }

    private static String rstrip(String text, String chars) {
        int end = text.length();
        while (end > 0 && stripped(text.charAt(end - 1), chars)) {
            end--;
        }
        return text.substring(0, end);
    }

    /** str.split: without a separator splits on whitespace runs and drops empty parts. */
    private static List<String> split(String text, String separator, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            int i = 0;
            while (i < text.length()) {
                while (i < text.length() && isPythonSpace(text.charAt(i))) {
                    i++;
                }
                if (i == text.length()) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(rstrip(text.substring(i), null));
                    break;
                }
                int end = i;
                while (end < text.length() && !isPythonSpace(text.charAt(end))) {
                    end++;
                }
                parts.add(text.substring(i, end));
                i = end;
            }
            return parts;
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = text.indexOf(separator, from)) >= 0) {
            parts.add(text.substring(from, at));
            from = at + separator.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String replace(String text, String old, String replacement, int count) {
        if (count < 0) {
            return text.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        for (int done = 0; done < count && (at = text.indexOf(old, from)) >= 0; done++) {
            out.append(text, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) { // Python inserts between characters
                if (from < text.length()) {
                    out.append(text.charAt(from));
                }
                from++;
            }
        }
        return from <= text.length() ? out.append(text.substring(from)).toString() : out.toString();
    }

    private static int count(String text, String part) {
        if (part.isEmpty()) {
            return text.length() + 1;
        }
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean previousCased = false;
        for (char c : text.toCharArray()) {
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String join(String separator, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> iterable) {
            iterable.forEach(item -> parts.add(String.valueOf(item)));
        } else if (items instanceof Object[] array) {
            for (Object item : array) {
                parts.add(String.valueOf(item));
            }
        } else {
            return String.valueOf(items);
        }
        return String.join(separator, parts);
    }

    // The remaining ELResolver methods: this resolver only reads.
    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
