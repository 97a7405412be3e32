package dev.lorafoundry.grammar;

import java.util.List;

/** One pending piece of the output (a literal, a string body, an object body...), the top of a {@link ParseStack}. */
interface Frame {

    /** Reads byte b (0..255) with {@code rest} below this frame; adds each resulting stack to {@code out}, none if b is invalid. */
    void step(int b, ParseStack rest, List<ParseStack> out);

    /** True if this frame may be left without reading another byte (a number with enough digits). */
    default boolean mayEndHere() {
        return false;
    }
}
