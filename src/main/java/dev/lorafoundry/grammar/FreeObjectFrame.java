package dev.lorafoundry.grammar;

import java.util.List;

/** Inside an object with free keys: just opened, just after a comma, or just after a value; {@code count} members so far. */
record FreeObjectFrame(ValueNode.FreeObjectNode node, int count, Phase phase) implements Frame {

    /** Where in the object the writer is. */
    enum Phase { OPENED, AFTER_COMMA, AFTER_VALUE }

    private static final int MAX_KEY_LENGTH = JsonGrammar.DEFAULT_MAX_LENGTH;
    private static final byte[] COLON = {':'};

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        if (b == '}' && phase != Phase.AFTER_COMMA) {
            out.add(rest);
        } else if (b == ',' && phase == Phase.AFTER_VALUE && count < node.maxProperties()) {
            out.add(rest.push(new FreeObjectFrame(node, count, Phase.AFTER_COMMA)));
        } else if (b == '"' && phase != Phase.AFTER_VALUE && count < node.maxProperties()) {
            out.add(rest.push(new FreeObjectFrame(node, count + 1, Phase.AFTER_VALUE))
                    .push(new ValueFrame(node.values()))
                    .push(new LiteralFrame(COLON, 0))
                    .push(StringFrame.opened(0, MAX_KEY_LENGTH)));
        }
    }
}
