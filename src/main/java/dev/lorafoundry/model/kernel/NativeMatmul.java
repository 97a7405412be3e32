package dev.lorafoundry.model.kernel;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The native many-row matmul ({@code src/main/native/packed_matmul.c}, built into the class path by the Maven build
 * when a C compiler is present), called through the FFM API. It multiplies {@link PackedWeights} with panels of up to
 * {@link #PANEL_ROWS} rows, prefetching the weights ahead of the FMAs: Java has no prefetch, and without it a core
 * cannot stream weights while its FMA units are busy (16-row projections 20-28% faster here, results identical).
 */
final class NativeMatmul {

    /** Rows multiplied per weight load (the C kernel's MAX_PANEL). */
    static final int PANEL_ROWS = 16;

    private static final String LIBRARY = "liblorafoundry_matmul.so";
    private static final String RESOURCE = "/native/linux-x86_64/" + LIBRARY;

    private final MethodHandle multiply;
    private final MethodHandle pack;

    private NativeMatmul(MethodHandle multiply, MethodHandle pack) {
        this.multiply = multiply;
        this.pack = pack;
    }

    /** The kernel, or why it cannot run here. */
    record Loading(NativeMatmul kernel, String problem) {}

    /** Loaded once per process: every kernel instance shares the library. */
    private static final class Once {
        static final Loading LOADING = loadLibrary();
    }

    /**
     * The library from the class path, loaded into this process on first use. Fails softly (a null kernel and the
     * reason): the Java kernel then does all the work.
     */
    static Loading load() {
        return Once.LOADING;
    }

    private static Loading loadLibrary() {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!platform.equals("Linux/amd64")) {
            return new Loading(null, "built for Linux/amd64 only; this is " + platform);
        }
        try (InputStream library = NativeMatmul.class.getResourceAsStream(RESOURCE)) {
            if (library == null) {
                return new Loading(null, RESOURCE + " is not in the class path: the build found no C compiler (gcc)");
            }
            Path file = Files.createTempFile("lorafoundry_matmul", ".so");
            try {
                Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
                SymbolLookup symbols = SymbolLookup.libraryLookup(file, Arena.global());
                Linker linker = Linker.nativeLinker();
                MethodHandle supported = linker.downcallHandle(symbols.find("lf_packed_matmul_supported").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT));
                if ((int) supported.invokeExact() == 0) {
                    return new Loading(null, "this CPU lacks AVX-512F");
                }
                // critical(true): heap arrays are passed in place, and the call skips the thread-state transitions;
                // fine for calls that last a fraction of a millisecond and never block.
                MethodHandle multiply = linker.downcallHandle(symbols.find("lf_packed_matmul").orElseThrow(),
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS),
                        Linker.Option.critical(true));
                MethodHandle pack = linker.downcallHandle(symbols.find("lf_pack_panels").orElseThrow(),
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.ADDRESS),
                        Linker.Option.critical(true));
                return new Loading(new NativeMatmul(multiply, pack), null);
            } finally {
                Files.deleteIfExists(file); // the loaded mapping outlives the file
            }
        } catch (Throwable e) {
            return new Loading(null, "loading " + RESOURCE + " failed: " + e);
        }
    }

    /**
     * Cuts {@code rows × in} row-major activations into {@code panels} (at least {@code rows × in} long): panels of
     * {@link #PANEL_ROWS} rows, the last one shorter, each stored input-major.
     */
    void pack(float[] x, int rows, int in, float[] panels) {
        try {
            pack.invokeExact(MemorySegment.ofArray(x), rows, in, MemorySegment.ofArray(panels));
        } catch (Throwable e) {
            throw new IllegalStateException("native packing failed", e);
        }
    }

    /**
     * y[r·out + o] = Σ_i x[r][i]·W[o][i] for the outputs of blocks [firstBlock, endBlock) of {@code w}.
     *
     * @param panels the rows as {@link #pack} cut them
     */
    void multiply(PackedWeights w, int firstBlock, int endBlock, float[] panels, int rows, float[] y) {
        try {
            multiply.invokeExact(w.data(), w.in(), w.out(), firstBlock, endBlock, MemorySegment.ofArray(panels), rows,
                    MemorySegment.ofArray(y));
        } catch (Throwable e) {
            throw new IllegalStateException("native matmul failed", e);
        }
    }
}
