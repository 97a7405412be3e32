package dev.lorafoundry.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a byte-level recogniser stands: the parse threads still alive (several only while anyOf alternatives or a
 * number's end are undecided). Immutable, so keeping or restoring a state costs nothing.
 */
final class RecogniserState {

    private final ParseStack[] threads;

    private RecogniserState(ParseStack[] threads) {
        this.threads = threads;
    }

    static RecogniserState of(ParseStack stack) {
        return new RecogniserState(new ParseStack[] {stack});
    }

    /** The state after byte b (0..255), or null if no thread accepts it. */
    RecogniserState step(int b) {
        if (threads.length == 1) {
            ParseStack only = threads[0];
            Frame top = only.top();
            if (top instanceof StringFrame string) { // the common case, without the list
                if (string.closesOn(b)) {
                    return new RecogniserState(new ParseStack[] {only.rest()});
                }
                StringFrame next = string.next(b);
                return next == null ? null : new RecogniserState(new ParseStack[] {only.rest().push(next)});
            }
        }
        List<ParseStack> out = new ArrayList<>(2);
        for (ParseStack thread : threads) {
            thread.step(b, out);
        }
        return out.isEmpty() ? null : new RecogniserState(out.toArray(new ParseStack[0]));
    }

    /** The only thread, or null when there are several. */
    ParseStack singleThread() {
        return threads.length == 1 ? threads[0] : null;
    }

    /** What lies below the string when the only thread is inside a string, else null. */
    ParseStack singleStringThreadRest() {
        return threads.length == 1 && threads[0].top() instanceof StringFrame ? threads[0].rest() : null;
    }

    /** The state after all of bytes, or null as soon as one is not accepted. */
    RecogniserState step(byte[] bytes) {
        RecogniserState state = this;
        for (int i = 0; i < bytes.length && state != null; i++) {
            state = state.step(bytes[i] & 0xff);
        }
        return state;
    }

    /** True if the output may end here: some thread has nothing left that must be written. */
    boolean isAccepting() {
        for (ParseStack thread : threads) {
            if (thread.isAccepting()) {
                return true;
            }
        }
        return false;
    }

    /** True if some byte may still follow. */
    boolean canContinue() {
        for (int b = 0; b < 256; b++) {
            if (step(b) != null) {
                return true;
            }
        }
        return false;
    }
}
