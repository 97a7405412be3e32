package dev.lorafoundry.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import jinjava.javax.el.CompositeELResolver;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A jinjava engine configured like HF's apply_chat_template environment: trim_blocks, lstrip_blocks,
 * Python operator precedence, raise_exception, strftime_now, json.dumps-exact tojson, Python str methods.
 */
final class HfJinjaEnvironment {

    private static final Pattern TAG = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);
    private static final Pattern REVERSE_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-\\s*1\\s*]");

    /** jinjava renders with a fresh interpreter per call; the configured engine is shared and thread-safe. */
    static final Jinjava ENGINE = create();

    private HfJinjaEnvironment() {}

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                // Message text must never be interpreted as template code.
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", HfJinjaEnvironment.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", HfJinjaEnvironment.class,
                "strftimeNow", String.class));
        jinjava.registerFilter(new PythonToJsonFilter());
        return jinjava;
    }

    /** Rewrites Python syntax jinjava cannot parse; only inside {{ }} and {% %} so literal text is untouched. */
    static String rewriteForJinjava(String source) {
        Matcher tags = TAG.matcher(source);
        StringBuilder out = new StringBuilder(source.length());
        while (tags.find()) {
            String rewritten = parenthesizeNamedArguments(REVERSE_SLICE.matcher(tags.group())
                    .replaceAll(Matcher.quoteReplacement("['" + PythonStringMethods.REVERSED + "']")));
            tags.appendReplacement(out, Matcher.quoteReplacement(rewritten));
        }
        tags.appendTail(out);
        return out.toString();
    }

    /**
     * Wraps each call's named-argument value in parentheses: jinjava parses {@code f(k=a|length - 1)}
     * as {@code (k=a|length) - 1}, Jinja2 as {@code k=(a|length - 1)}.
     */
    static String parenthesizeNamedArguments(String tag) {
        StringBuilder out = new StringBuilder(tag.length() + 8);
        java.util.ArrayDeque<Character> brackets = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> openValues = new java.util.ArrayDeque<>(); // bracket depth of each opened value
        char quote = 0;
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < tag.length()) {
                    out.append(tag.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            boolean closesValue = !openValues.isEmpty() && openValues.peek() == brackets.size();
            if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                brackets.push(c);
            } else if (c == ')' || c == ']' || c == '}') {
                if (closesValue) {
                    out.append(')');
                    openValues.pop();
                }
                brackets.poll();
            } else if (c == ',' && closesValue) {
                out.append(')');
                openValues.pop();
            } else if (c == '=' && !brackets.isEmpty() && brackets.peek() == '('
                    && (i + 1 >= tag.length() || tag.charAt(i + 1) != '=')
                    && (i == 0 || "=!<>".indexOf(tag.charAt(i - 1)) < 0)
                    && out.toString().stripTrailing().matches("(?s).*[A-Za-z_][A-Za-z0-9_]*")) {
                out.append("=(");
                openValues.push(brackets.size());
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** raise_exception(message) as HF registers it: aborts rendering with the template's message. */
    public static Object raiseException(Object message) {
        throw new TemplateRaisedException(String.valueOf(message));
    }

    /** strftime_now(format) as HF registers it: the current local time in a Python strftime format. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }

    /** HF's tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False). */
    static final class PythonToJsonFilter implements Filter {
        private static final List<String> POSITIONAL = List.of("ensure_ascii", "indent", "separators", "sort_keys");

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
            return filter(value, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object ensureAscii = argument(0, args, kwargs);
            Object indent = argument(1, args, kwargs);
            Object separators = argument(2, args, kwargs);
            Object sortKeys = argument(3, args, kwargs);
            String itemSeparator = null;
            String keySeparator = null;
            if (separators instanceof List<?> pair && pair.size() == 2) {
                itemSeparator = String.valueOf(pair.get(0));
                keySeparator = String.valueOf(pair.get(1));
            }
            return PythonJson.dumps(value, new PythonJson.Options(truthy(ensureAscii),
                    indent instanceof Number n ? Integer.valueOf(n.intValue())
                            : indent instanceof String s && !s.isBlank() ? Integer.valueOf(s.trim()) : null,
                    itemSeparator, keySeparator, truthy(sortKeys)));
        }

        private static Object argument(int position, Object[] args, Map<String, Object> kwargs) {
            if (kwargs != null && kwargs.containsKey(POSITIONAL.get(position))) {
                return kwargs.get(POSITIONAL.get(position));
            }
            return args != null && args.length > position ? args[position] : null;
        }

        private static boolean truthy(Object value) {
            return value instanceof Boolean b ? b : value instanceof String s && s.equalsIgnoreCase("true");
        }
    }
}
