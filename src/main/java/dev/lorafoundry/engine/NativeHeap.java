package dev.lorafoundry.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C heap libtorch allocates tensors from: checks that glibc is tuned for training (see {@code bin/malloc-tunables})
 * and hands memory freed by a finished training run back to the system.
 */
public final class NativeHeap {

    /** The settings that keep training's freed tensors in the process instead of faulting them in again every step. */
    static final String TUNABLES = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"
            + ":glibc.malloc.trim_threshold=1099511627776:glibc.malloc.hugetlb=1";

    private static final MethodHandle MALLOC_TRIM = mallocTrim();

    private NativeHeap() {
    }

    /**
     * Advice to log when the process was started without the training tunables (empty when they are set): without them
     * LoRA training runs ~40% slower, the kernel zeroing pages libtorch freed one step earlier.
     */
    static Optional<String> tuningAdvice(String glibcTunables) {
        String set = glibcTunables == null ? "" : glibcTunables;
        if (set.contains("glibc.malloc.mmap_max=0") && set.contains("glibc.malloc.arena_max=1")) {
            return Optional.empty();
        }
        return Optional.of("GLIBC_TUNABLES lacks glibc.malloc.mmap_max=0 and glibc.malloc.arena_max=1: training will"
                + " spend about a third of its time re-faulting freed memory. bin/run sets them; when starting java"
                + " yourself, export GLIBC_TUNABLES=" + TUNABLES);
    }

    /**
     * Returns free heap memory to the system (glibc's {@code malloc_trim(0)}); the tunables keep it after every
     * training step, so a finished run would otherwise leave its peak resident. False where there is no such call
     * (not glibc, or native access denied).
     */
    static boolean releaseFreeMemory() {
        if (MALLOC_TRIM == null) {
            return false;
        }
        try {
            int ignored = (int) MALLOC_TRIM.invokeExact(0L); // 1 when it released something
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle mallocTrim() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim")
                    .map(symbol -> linker.downcallHandle(symbol,
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null; // not glibc, or native access denied: nothing to trim with
        }
    }
}
