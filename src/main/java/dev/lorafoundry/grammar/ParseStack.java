package dev.lorafoundry.grammar;

import java.util.List;

/** An immutable linked stack of frames: what one parse thread still has to read, innermost first. Sharing tails makes copies free. */
final class ParseStack {

    static final ParseStack EMPTY = new ParseStack(null, null);

    private final Frame top;
    private final ParseStack rest;

    private ParseStack(Frame top, ParseStack rest) {
        this.top = top;
        this.rest = rest;
    }

    ParseStack push(Frame frame) {
        return new ParseStack(frame, this);
    }

    /** True if nothing more has to be written: the stack is empty, or its top frames may all end here. */
    boolean isAccepting() {
        return top == null || (top.mayEndHere() && rest.isAccepting());
    }

    Frame top() {
        return top;
    }

    ParseStack rest() {
        return rest;
    }

    /** Adds every stack that results from reading byte b (unsigned, 0..255); adds nothing if b is not allowed here. */
    void step(int b, List<ParseStack> out) {
        if (top != null) {
            top.step(b, rest, out);
        }
    }
}
