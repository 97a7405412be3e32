package dev.lorafoundry.grammar;

import java.util.List;

/** Exact bytes still to write (a key, a keyword, an enum value, the wrapping text) from position {@code pos} on. */
record LiteralFrame(byte[] bytes, int pos) implements Frame {

    /** Pushes the literal onto rest, or leaves rest alone for an empty literal. */
    static ParseStack pushOnto(ParseStack rest, byte[] bytes) {
        return bytes.length == 0 ? rest : rest.push(new LiteralFrame(bytes, 0));
    }

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        if ((bytes[pos] & 0xff) != b) {
            return;
        }
        out.add(pos + 1 == bytes.length ? rest : rest.push(new LiteralFrame(bytes, pos + 1)));
    }
}
