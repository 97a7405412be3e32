package dev.lorafoundry.grammar;

import java.util.List;

/** Inside an array after {@code count} items: just opened, or just after an item. */
record ArrayFrame(ValueNode.ArrayNode node, int count, boolean afterItem) implements Frame {

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        if (b == ']' && count >= node.minItems()) {
            out.add(rest);
        } else if (afterItem) {
            if (b == ',' && count < node.maxItems()) {
                out.add(rest.push(new ArrayFrame(node, count + 1, true)).push(new ValueFrame(node.items())));
            }
        } else if (node.maxItems() > 0) {
            node.items().start(b, rest.push(new ArrayFrame(node, 1, true)), out);
        }
    }
}
