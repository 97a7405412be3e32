package dev.lorafoundry.adapter;

import java.util.regex.Pattern;

/** The rule adapter names follow: they become folder names and model ids, so no path tricks and no separators. */
public final class AdapterNames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}");

    private AdapterNames() {}

    /** Null when the name is acceptable, otherwise what is wrong with it. */
    public static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "the adapter name is missing";
        }
        if (!VALID.matcher(name).matches() || name.contains("..")) {
            return "adapter name '" + name + "' is not allowed: use 1-128 letters, digits, '.', '_', '-' or ':',"
                    + " starting with a letter or digit, without '..' or '/'";
        }
        return null;
    }

    /** A folder name for the adapter: ':' (in ft: names) is not portable in paths. */
    public static String folderName(String name) {
        return name.replace(':', '_');
    }
}
