package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;

/**
 * y[r][o] = sum_i x[r][i] * W[o][i] for a weight W packed by {@link PackedWeights}; the CPU decode-step matmul, at
 * close to memory bandwidth for one row and to the FMA units' rate for many.
 *
 * <p>The packed weight's blocks (one vector of outputs each) are shared out among the threads in groups of
 * {@link PackedWeights#GROUP}, so every weight is streamed from memory once per call however many activation rows
 * there are. The activations are packed into panels of up to 4 rows ({@link PackedActivations}) and each group
 * meets each panel in a broadcast kernel ({@link BroadcastKernels}); the first panel streams the group from memory,
 * the others find it in cache.
 *
 * <p>Steps of {@link #NATIVE_MIN_ROWS} rows or more go to the native kernel instead ({@link NativeMatmul}) when it is
 * built and enabled: same layout and arithmetic (bit-identical results), panels of 16 rows, and software prefetch so
 * that each core streams weights while it computes. Below that, four memory streams per core beat it.
 *
 * <p>Only touch this class after {@link #isAvailable()} returned true: it needs the run-time flag
 * {@code --add-modules jdk.incubator.vector}. One caller at a time (calls are serialized).
 */
public final class VectorMatmul implements AutoCloseable {

    /** Below this many multiply-adds, waking the workers costs more than it saves. */
    private static final long SINGLE_THREAD_WORK = 1L << 17;
    /** Chunks per thread: small enough pieces that a thread the OS preempted is covered by the others. */
    private static final int CHUNKS_PER_THREAD = 8;
    /**
     * Chunks per thread on the native kernel: each chunk is one prefetched stream, and fewer, longer streams measured
     * 2-3 ms faster per 16-row step than 8 per thread (same JVM, alternating).
     */
    private static final int NATIVE_CHUNKS_PER_THREAD = 2;
    /**
     * Fewest rows the native kernel takes. Measured here on the bench model's projections, same JVM, alternating:
     * 4 rows 25% slower than the Java kernel, 8 rows 5% slower, 12 rows 7% faster, 16 rows 20-25% faster.
     */
    public static final int NATIVE_MIN_ROWS = 12;

    private final SpinningWorkerPool pool;
    private final NativeMatmul nativeKernel;
    private final String nativeProblem;
    private final PartitionedTask partTask = this::multiplyPart;
    private final PartitionedTask nativePartTask = this::multiplyPartNatively;
    private final PackedActivations packed = new PackedActivations();

    // Arguments of the call in progress, read by the parts.
    private int rows;
    private PackedWeights weights;
    private float[] y;

    /** True iff the module jdk.incubator.vector is present; checking it loads no Vector API class. */
    public static boolean isAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** As {@link #VectorMatmul(int, boolean)} with the native kernel when it can load. */
    public VectorMatmul(int threads) {
        this(threads, true);
    }

    /**
     * Starts a fixed pool of daemon worker threads; {@code threads <= 0} means one per available processor.
     *
     * @param useNative take many-row products to the native kernel when it loads on this machine
     */
    public VectorMatmul(int threads, boolean useNative) {
        int parallelism = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.pool = new SpinningWorkerPool(parallelism);
        NativeMatmul.Loading loading = useNative ? NativeMatmul.load() : new NativeMatmul.Loading(null, "disabled");
        this.nativeKernel = loading.kernel();
        this.nativeProblem = loading.problem();
    }

    /** True when products of {@link #NATIVE_MIN_ROWS} rows or more run on the native kernel. */
    public boolean usesNativeKernel() {
        return nativeKernel != null;
    }

    /** Why the native kernel is not used (null when it is). */
    public String nativeKernelProblem() {
        return nativeProblem;
    }

    /** Number of threads a large product is split across (the caller included). */
    public int threads() {
        return pool.parallelism();
    }

    /**
     * Computes y = x · Wᵀ.
     *
     * @param x    activations, {@code rows × w.in()} row-major (at least that many elements)
     * @param rows number of activation rows; tuned for 1..32 (decode steps)
     * @param w    the packed weight
     * @param y    receives the result, {@code rows × w.out()} row-major (at least that many elements; the rest is
     *             left as it was)
     */
    public synchronized void multiply(float[] x, int rows, PackedWeights w, float[] y) {
        checkArguments(x, rows, w, y);
        if (rows == 0 || w.out() == 0) {
            return;
        }
        this.rows = rows;
        this.weights = w;
        this.y = y;
        boolean onNative = nativeKernel != null && rows >= NATIVE_MIN_ROWS;
        if (onNative) {
            packed.packNatively(x, rows, w.in(), nativeKernel);
        } else {
            packed.pack(x, rows, w.in());
        }
        try {
            // Native parts are runs of blocks, Java parts runs of groups of blocks.
            PartitionedTask task = onNative ? nativePartTask : partTask;
            int units = onNative ? w.blocks() : w.blocks() / PackedWeights.GROUP;
            int chunksPerThread = onNative ? NATIVE_CHUNKS_PER_THREAD : CHUNKS_PER_THREAD;
            if ((long) rows * w.in() * w.out() < SINGLE_THREAD_WORK || pool.parallelism() == 1) {
                task.runPart(0, 1);
            } else {
                pool.run(task, Math.min(units, pool.parallelism() * chunksPerThread));
            }
        } finally {
            this.weights = null;
            this.y = null;
            packed.release();
        }
    }

    private static void checkArguments(float[] x, int rows, PackedWeights w, float[] y) {
        if (x == null || w == null || y == null) {
            throw new IllegalArgumentException("x, w and y must not be null");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("need rows >= 0; got rows=" + rows);
        }
        if ((long) rows * w.in() > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " elements but rows*in = " + rows + "*" + w.in()
                    + " = " + (long) rows * w.in() + " are needed");
        }
        if ((long) rows * w.out() > y.length) {
            throw new IllegalArgumentException("y has " + y.length + " elements but rows*out = " + rows + "*"
                    + w.out() + " = " + (long) rows * w.out() + " are needed");
        }
    }

    /** Computes the outputs of one contiguous run of block groups for every panel of rows. */
    private void multiplyPart(int part, int parts) {
        PackedWeights w = weights;
        int groups = w.blocks() / PackedWeights.GROUP;
        int firstGroup = (int) ((long) groups * part / parts);
        int endGroup = (int) ((long) groups * (part + 1) / parts);
        int in = w.in();
        int out = w.out();
        long blockBytes = w.blockBytes();
        long groupBytes = blockBytes * PackedWeights.GROUP;
        float[] xp = packed.data();
        float[] result = y;
        for (int g = firstGroup; g < endGroup; g++) {
            MemorySegment group = w.data().asSlice(g * groupBytes, groupBytes);
            int o = g * PackedWeights.GROUP * PackedWeights.WIDTH;
            // Panels inner: the group's weights stay cached while every panel passes them.
            for (int first = 0; first < rows; ) {
                int panel = PackedActivations.panelRows(rows - first);
                int xOffset = first * in;
                int yOffset = first * out;
                switch (panel) {
                    case 4 -> BroadcastKernels.b4x4(group, blockBytes, in, xp, xOffset, result, yOffset, out, o);
                    case 2 -> BroadcastKernels.b4x2(group, blockBytes, in, xp, xOffset, result, yOffset, out, o);
                    default -> BroadcastKernels.b4x1(group, blockBytes, in, xp, xOffset, result, yOffset, out, o);
                }
                first += panel;
            }
        }
    }

    /** Computes the outputs of one contiguous run of blocks on the native kernel. */
    private void multiplyPartNatively(int part, int parts) {
        int blocks = weights.blocks();
        int firstBlock = (int) ((long) blocks * part / parts);
        int endBlock = (int) ((long) blocks * (part + 1) / parts);
        nativeKernel.multiply(weights, firstBlock, endBlock, packed.data(), rows, y);
    }

    /**
     * Runs {@code body} for parts 0..parts-1 on the kernel's threads (the caller included) and returns when all are done:
     * lets other per-step loops (LoRA deltas) use the same spinning workers instead of a second pool.
     */
    public synchronized void parallel(int parts, java.util.function.IntConsumer body) {
        if (parts <= 1 || pool.parallelism() == 1) {
            for (int part = 0; part < parts; part++) {
                body.accept(part);
            }
            return;
        }
        pool.run((part, count) -> body.accept(part), Math.min(parts, SpinningWorkerPool.MAX_CHUNKS));
    }

    /** Stops the worker threads; the instance cannot be used afterwards. */
    @Override
    public void close() {
        pool.close();
    }
}
