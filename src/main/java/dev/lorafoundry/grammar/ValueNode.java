package dev.lorafoundry.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A compiled schema: which JSON values may be written at one place. {@link #start} reads a value's first byte. */
sealed interface ValueNode {

    /** Reads the first byte b of a value of this node with rest below it; adds each resulting stack to out. */
    void start(int b, ParseStack rest, List<ParseStack> out);

    /** An object with the schema's properties in declared order; required ones always, optional ones may be left out. */
    record ObjectNode(List<Property> properties, boolean[] requiredFrom) implements ValueNode {

        /** One declared property; keys are pre-encoded with and without the separating comma. */
        record Property(String name, byte[] firstKey, byte[] laterKey, ValueNode value, boolean required) {
            static Property of(String quotedName, ValueNode value, boolean required) {
                byte[] first = (quotedName + ":").getBytes(StandardCharsets.UTF_8);
                byte[] later = ("," + quotedName + ":").getBytes(StandardCharsets.UTF_8);
                return new Property(quotedName, first, later, value, required);
            }
        }

        static ObjectNode of(List<Property> properties) {
            // requiredFrom[i]: some property at index >= i is required, so the object cannot close before it
            boolean[] requiredFrom = new boolean[properties.size() + 1];
            for (int i = properties.size() - 1; i >= 0; i--) {
                requiredFrom[i] = requiredFrom[i + 1] || properties.get(i).required();
            }
            return new ObjectNode(List.copyOf(properties), requiredFrom);
        }

        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            if (b == '{') {
                out.add(rest.push(new ObjectFrame(this, 0)));
            }
        }
    }

    /** An object whose keys are any strings and whose values all follow one node (at most maxProperties of them). */
    record FreeObjectNode(ValueNode values, int maxProperties) implements ValueNode {
        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            if (b == '{') {
                out.add(rest.push(new FreeObjectFrame(this, 0, FreeObjectFrame.Phase.OPENED)));
            }
        }
    }

    /** An array of minItems..maxItems values of one node. */
    record ArrayNode(ValueNode items, int minItems, int maxItems) implements ValueNode {
        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            if (b == '[') {
                out.add(rest.push(new ArrayFrame(this, 0, false)));
            }
        }
    }

    /** A string of minLength..maxLength characters. */
    record StringNode(int minLength, int maxLength) implements ValueNode {
        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            if (b == '"') {
                out.add(rest.push(StringFrame.opened(minLength, maxLength)));
            }
        }
    }

    /** A number, or an integer when {@code integer}. */
    record NumberNode(boolean integer) implements ValueNode {
        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            NumberFrame.start(integer).step(b, rest, out);
        }
    }

    /** One of a fixed set of JSON texts (enum, const, true/false, null). */
    record LiteralsNode(List<byte[]> texts) implements ValueNode {
        static LiteralsNode of(String... texts) {
            List<byte[]> bytes = new ArrayList<>();
            for (String text : texts) {
                bytes.add(text.getBytes(StandardCharsets.UTF_8));
            }
            return new LiteralsNode(bytes);
        }

        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            for (byte[] text : texts) {
                new LiteralFrame(text, 0).step(b, rest, out);
            }
        }
    }

    /** Any of several nodes; all that accept the bytes so far run side by side until the bytes tell them apart. */
    record AnyOfNode(List<ValueNode> alternatives) implements ValueNode {
        @Override
        public void start(int b, ParseStack rest, List<ParseStack> out) {
            for (ValueNode alternative : alternatives) {
                alternative.start(b, rest, out);
            }
        }
    }

    /** Any JSON value whose containers nest at most {@code maxDepth} deep counting from {@code depth}, with the usual bounds. */
    static ValueNode anyValue(int depth, int maxDepth, int maxItems, int maxLength) {
        List<ValueNode> alternatives = new ArrayList<>();
        if (depth <= maxDepth) {
            ValueNode inner = anyValue(depth + 1, maxDepth, maxItems, maxLength);
            alternatives.add(new FreeObjectNode(inner, maxItems));
            alternatives.add(new ArrayNode(inner, 0, maxItems));
        }
        alternatives.add(new StringNode(0, maxLength));
        alternatives.add(new NumberNode(false));
        alternatives.add(LiteralsNode.of("true", "false", "null"));
        return new AnyOfNode(List.copyOf(alternatives));
    }
}
