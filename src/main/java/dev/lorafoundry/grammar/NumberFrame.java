package dev.lorafoundry.grammar;

import java.util.List;

/**
 * A JSON number being written: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?} (no fraction for integers, no exponent), at most
 * {@value #MAX_DIGITS} digits so it always ends. A number has no closing byte: where it may end, the next byte is also
 * offered to the frames below it.
 */
record NumberFrame(boolean integer, int phase, int digits) implements Frame {

    static final int MAX_DIGITS = 12;

    private static final int START = 0;
    private static final int MINUS = 1;
    private static final int ZERO = 2;
    private static final int INTEGER_DIGITS = 3;
    private static final int DOT = 4;
    private static final int FRACTION_DIGITS = 5;

    static NumberFrame start(boolean integer) {
        return new NumberFrame(integer, START, 0);
    }

    @Override
    public boolean mayEndHere() {
        return phase == ZERO || phase == INTEGER_DIGITS || phase == FRACTION_DIGITS;
    }

    @Override
    public void step(int b, ParseStack rest, List<ParseStack> out) {
        boolean digit = b >= '0' && b <= '9';
        NumberFrame next = null;
        switch (phase) {
            case START, MINUS -> {
                if (phase == START && b == '-') {
                    next = new NumberFrame(integer, MINUS, 0);
                } else if (digit) {
                    next = new NumberFrame(integer, b == '0' ? ZERO : INTEGER_DIGITS, 1);
                }
            }
            case ZERO, INTEGER_DIGITS -> {
                if (phase == INTEGER_DIGITS && digit && digits < MAX_DIGITS) {
                    next = new NumberFrame(integer, INTEGER_DIGITS, digits + 1);
                } else if (b == '.' && !integer && digits < MAX_DIGITS) {
                    next = new NumberFrame(integer, DOT, digits);
                }
            }
            case DOT -> {
                if (digit) {
                    next = new NumberFrame(integer, FRACTION_DIGITS, digits + 1);
                }
            }
            default -> {
                if (digit && digits < MAX_DIGITS) {
                    next = new NumberFrame(integer, FRACTION_DIGITS, digits + 1);
                }
            }
        }
        if (next != null) {
            out.add(rest.push(next));
        }
        if (mayEndHere()) {
            rest.step(b, out); // the number may end here: b belongs to what follows it
        }
    }
}
