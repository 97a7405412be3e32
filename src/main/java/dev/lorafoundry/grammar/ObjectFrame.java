package dev.lorafoundry.grammar;

import java.util.List;

/** Inside an object of declared properties, before the property at index {@code next} (or the closing brace). */
record ObjectFrame(ValueNode.ObjectNode node, int next) implements Frame {

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        List<ValueNode.ObjectNode.Property> properties = node.properties();
        if (b == '}' && !node.requiredFrom()[next]) {
            out.add(rest);
        }
        for (int i = next; i < properties.size(); i++) {
            ValueNode.ObjectNode.Property property = properties.get(i);
            // a frame past index 0 exists only after a property was written, so its keys need the comma
            byte[] key = next == 0 ? property.firstKey() : property.laterKey();
            if ((key[0] & 0xff) == b) {
                out.add(rest.push(new ObjectFrame(node, i + 1))
                        .push(new ValueFrame(property.value()))
                        .push(new LiteralFrame(key, 1)));
            }
            if (property.required()) {
                break; // properties come in declared order, so a required one cannot be skipped
            }
        }
    }
}
