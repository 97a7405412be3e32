package dev.lorafoundry.tokenizer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} output, byte for byte, which HF's {@code tojson} filter produces
 * (ensure_ascii, indent, separators, sort_keys) and models were trained on.
 */
final class PythonJson {

    /** json.dumps keyword arguments. A null itemSeparator/keySeparator means Python's default for the indent. */
    record Options(boolean ensureAscii, Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        static final Options HF_DEFAULT = new Options(false, null, null, null, false);
    }

    private final Options options;
    private final String itemSeparator;
    private final String keySeparator;
    private final StringBuilder out = new StringBuilder();

    private PythonJson(Options options) {
        this.options = options;
        this.itemSeparator = options.itemSeparator() != null ? options.itemSeparator() : options.indent() == null ? ", " : ",";
        this.keySeparator = options.keySeparator() != null ? options.keySeparator() : ": ";
    }

    static String dumps(Object value, Options options) {
        PythonJson writer = new PythonJson(options);
        writer.write(value, 0);
        return writer.out.toString();
    }

    private void write(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence text) {
            writeString(text.toString());
        } else if (value instanceof Boolean flag) {
            out.append(flag ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            out.append(pythonFloat(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal decimal) {
            out.append(pythonFloat(decimal.doubleValue()));
        } else if (value instanceof Number || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map, depth);
        } else if (value instanceof Collection<?> items) {
            writeList(new ArrayList<>(items), depth);
        } else if (value instanceof Object[] array) {
            writeList(Arrays.asList(array), depth);
        } else if (value instanceof Character c) {
            writeString(c.toString());
        } else {
            writeString(value.toString());
        }
    }

    private void writeMap(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (options.sortKeys()) {
            entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            separate(i, depth + 1);
            Object key = entries.get(i).getKey();
            writeString(key instanceof Boolean b ? (b ? "true" : "false") : key == null ? "null" : String.valueOf(key));
            out.append(keySeparator);
            write(entries.get(i).getValue(), depth + 1);
        }
        close(depth);
        out.append('}');
    }

    private void writeList(List<?> items, int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            separate(i, depth + 1);
            write(items.get(i), depth + 1);
        }
        close(depth);
        out.append(']');
    }

    private void separate(int index, int depth) {
        if (index > 0) {
            out.append(itemSeparator);
        }
        newline(depth);
    }

    private void close(int depth) {
        newline(depth);
    }

    private void newline(int depth) {
        if (options.indent() != null) {
            out.append('\n').append(" ".repeat(options.indent() * depth));
        }
    }

    private void writeString(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (options.ensureAscii() && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's repr(float): shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
    static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
