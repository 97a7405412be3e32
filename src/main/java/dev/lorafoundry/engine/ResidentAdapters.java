package dev.lorafoundry.engine;

import dev.lorafoundry.model.lora.PreparedLora;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The adapters resident on the engine: at most {@code capacity}, the least recently used one that no running sequence
 * uses and nobody pinned is evicted to make room. Loading happens off the engine thread; a sequence whose adapter is
 * still loading simply waits while the batch runs on. Engine thread only, apart from {@link #residentNames()}.
 */
final class ResidentAdapters {

    private static final class Slot {
        final PreparedLora weights;
        int users;

        Slot(PreparedLora weights) {
            this.weights = weights;
        }
    }

    private final int capacity;
    /** Access-ordered: iteration starts at the least recently used adapter. */
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<PreparedLora>> loading = new HashMap<>();
    private final Set<String> pinned = new java.util.HashSet<>();
    private volatile Set<String> residentSnapshot = Set.of();

    ResidentAdapters(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    /**
     * Takes one use of the adapter if it is resident or its weights have arrived and a slot is free (evicting if
     * needed); otherwise starts or continues loading it and returns null.
     *
     * @throws CompletionException when loading the adapter failed (the cause says why)
     */
    PreparedLora acquire(LoraRequest request) {
        Slot slot = slots.get(request.name());
        if (slot != null) {
            slot.users++;
            return slot.weights;
        }
        CompletableFuture<PreparedLora> future = loading.computeIfAbsent(request.name(), n -> request.weights().get());
        if (!future.isDone()) {
            return null;
        }
        if (future.isCompletedExceptionally()) {
            loading.remove(request.name());
            future.join(); // throws the load failure
        }
        if (slots.size() >= capacity && !evictOne()) {
            return null; // every slot is in use; the weights wait in host memory
        }
        loading.remove(request.name());
        slot = new Slot(future.join());
        slot.users = 1;
        slots.put(request.name(), slot);
        publish();
        return slot.weights;
    }

    /** Gives back one use taken by {@link #acquire} (of these very weights: an unloaded adapter's slot is gone). */
    void release(PreparedLora weights) {
        Slot slot = slots.get(weights.name());
        if (slot != null && slot.weights == weights && slot.users > 0) {
            slot.users--;
        }
    }

    /** Pinned adapters are never evicted to make room. */
    void pin(String name, boolean pin) {
        if (pin) {
            pinned.add(name);
        } else {
            pinned.remove(name);
        }
    }

    /**
     * Drops the adapter's slot and any load in flight, so the next request reads its weights afresh; sequences running
     * on it keep their reference until they finish. True if it was resident.
     */
    boolean unload(String name) {
        pinned.remove(name);
        loading.remove(name);
        boolean resident = slots.remove(name) != null;
        publish();
        return resident;
    }

    private boolean evictOne() {
        for (Iterator<Map.Entry<String, Slot>> it = slots.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Slot> entry = it.next();
            if (entry.getValue().users == 0 && !pinned.contains(entry.getKey())) {
                it.remove();
                publish();
                return true;
            }
        }
        return false;
    }

    private void publish() {
        residentSnapshot = Set.copyOf(slots.keySet());
    }

    /** Names of the resident adapters; safe from any thread. */
    Set<String> residentNames() {
        return residentSnapshot;
    }

    List<String> loadingNames() {
        return new ArrayList<>(loading.keySet());
    }
}
