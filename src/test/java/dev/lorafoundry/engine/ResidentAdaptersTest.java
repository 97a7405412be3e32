package dev.lorafoundry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.model.lora.PreparedProjection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine's adapter slots: at most max-loras resident, LRU eviction of idle unpinned ones, loads never block. */
class ResidentAdaptersTest {

    private final AtomicInteger loads = new AtomicInteger();

    private LoraRequest ready(String name) {
        return new LoraRequest(name, () -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(new PreparedLora(name, new PreparedProjection[1][7], 0));
        });
    }

    @Test
    void residentAdapterIsReusedWithoutLoadingAgain() {
        ResidentAdapters slots = new ResidentAdapters(2);
        PreparedLora first = slots.acquire(ready("a"));
        assertSame(first, slots.acquire(ready("a")));
        assertEquals(1, loads.get());
        assertEquals(Set.of("a"), slots.residentNames());
    }

    @Test
    void leastRecentlyUsedIdleAdapterMakesRoom() {
        ResidentAdapters slots = new ResidentAdapters(2);
        PreparedLora a = slots.acquire(ready("a"));
        PreparedLora b = slots.acquire(ready("b"));
        slots.release(a);
        slots.release(b);
        slots.release(slots.acquire(ready("a"))); // a is now the most recently used
        assertNotNull(slots.acquire(ready("c")));
        assertEquals(Set.of("a", "c"), slots.residentNames());
    }

    @Test
    void adaptersInUseAndPinnedOnesAreNeverEvicted() {
        ResidentAdapters slots = new ResidentAdapters(2);
        PreparedLora busy = slots.acquire(ready("busy"));
        slots.release(slots.acquire(ready("pinned")));
        slots.pin("pinned", true);
        assertNull(slots.acquire(ready("new")), "no slot can be freed: the request waits");
        assertEquals(Set.of("busy", "pinned"), slots.residentNames());
        slots.release(busy);
        assertNotNull(slots.acquire(ready("new")), "once idle, the unpinned adapter makes room");
        assertEquals(Set.of("pinned", "new"), slots.residentNames());
    }

    @Test
    void loadingAdapterLeavesTheSequenceWaitingUntilTheWeightsArrive() {
        ResidentAdapters slots = new ResidentAdapters(2);
        CompletableFuture<PreparedLora> pending = new CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        LoraRequest slow = new LoraRequest("slow", () -> {
            started.incrementAndGet();
            return pending;
        });
        assertNull(slots.acquire(slow));
        assertNull(slots.acquire(slow));
        assertEquals(1, started.get(), "one load in flight, however often the scheduler asks");
        pending.complete(new PreparedLora("slow", new PreparedProjection[1][7], 0));
        assertNotNull(slots.acquire(slow));
    }

    @Test
    void failedLoadIsReportedAndRetriedOnTheNextRequest() {
        ResidentAdapters slots = new ResidentAdapters(2);
        LoraRequest broken = new LoraRequest("broken",
                () -> CompletableFuture.failedFuture(new IllegalStateException("bad tensor")));
        CompletionException e = assertThrows(CompletionException.class, () -> slots.acquire(broken));
        assertEquals("bad tensor", e.getCause().getMessage());
        assertThrows(CompletionException.class, () -> slots.acquire(broken));
    }

    @Test
    void unloadMakesTheNextRequestReadTheWeightsAfresh() {
        ResidentAdapters slots = new ResidentAdapters(2);
        PreparedLora old = slots.acquire(ready("a"));
        assertEquals(true, slots.unload("a"));
        assertEquals(Set.of(), slots.residentNames());
        PreparedLora fresh = slots.acquire(ready("a"));
        assertEquals(2, loads.get());
        slots.release(old); // the sequence that ran on the old weights ends: the new slot keeps its use
        slots.acquire(ready("b"));
        assertNull(slots.acquire(ready("c")), "a (in use by the new sequence) and b fill both slots");
        slots.release(fresh);
    }
}
