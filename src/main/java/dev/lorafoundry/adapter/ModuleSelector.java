package dev.lorafoundry.adapter;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How PEFT's {@code target_modules} / {@code exclude_modules} pick modules by their full name
 * ({@code model.layers.3.self_attn.q_proj}): a list of names or name suffixes, a regex that must match the whole
 * name, or the {@code all-linear} shorthand.
 */
public sealed interface ModuleSelector {

    boolean matches(String moduleName);

    /** A list: an entry selects the module of exactly that name, or whose name ends with "." + entry. */
    record Names(List<String> names) implements ModuleSelector {
        public Names {
            names = List.copyOf(names);
        }

        @Override
        public boolean matches(String moduleName) {
            return names.stream().anyMatch(n -> selects(n, moduleName));
        }

        /** Whether this one entry selects the module. */
        public static boolean selects(String entry, String moduleName) {
            return moduleName.equals(entry) || moduleName.endsWith("." + entry);
        }
    }

    /** A string other than all-linear: a Python regex matched against the full name with {@code re.fullmatch}. */
    record Regex(String pattern, Pattern compiled) implements ModuleSelector {
        @Override
        public boolean matches(String moduleName) {
            return compiled.matcher(moduleName).matches();
        }
    }

    /**
     * {@code "all-linear"} (any case): every nn.Linear except the output embedding, which in a Llama-family decoder
     * are exactly the seven projections of every layer.
     */
    record AllLinear() implements ModuleSelector {
        private static final Pattern PROJECTION =
                Pattern.compile("model\\.layers\\.\\d+\\.(self_attn\\.[qkvo]_proj|mlp\\.(gate|up|down)_proj)");

        @Override
        public boolean matches(String moduleName) {
            return PROJECTION.matcher(moduleName).matches();
        }
    }
}
