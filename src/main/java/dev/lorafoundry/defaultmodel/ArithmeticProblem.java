package dev.lorafoundry.defaultmodel;

/**
 * One small arithmetic fact, a op b.
 *
 * @param a  the first operand
 * @param op the operation
 * @param b  the second operand
 */
public record ArithmeticProblem(int a, Operation op, int b) {

    /** The exact result. */
    public int result() {
        return switch (op) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case TIMES -> a * b;
        };
    }

    /** "3 + 4 = 7" (no final period). */
    public String equation() {
        return a + " " + op.symbol + " " + b + " = " + result();
    }
}
