package dev.lorafoundry.grammar;

import java.util.List;

/** A value of the given schema node not started yet; its first byte picks the alternative(s). */
record ValueFrame(ValueNode node) implements Frame {

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        node.start(b, rest, out);
    }
}
