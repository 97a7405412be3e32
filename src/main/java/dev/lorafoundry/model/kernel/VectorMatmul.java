package dev.lorafoundry.model.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * y[r][o] = sum_i x[r][i] * W[o][i] over a row-major f32 weight W[out][in] living in a (possibly
 * memory-mapped, read-only) little-endian buffer; the CPU decode-step matmul, at close to memory bandwidth.
 *
 * <p>The output dimension is split into contiguous chunks of weight rows shared out among the threads, so
 * every weight row is streamed from memory exactly once per call however many activation rows there are. Each thread
 * reads four weight rows at a time in place (vector loads from the buffer's memory, no copy) and
 * multiplies them with the activation rows four at a time ({@link DotProductKernels}); the activations are first
 * packed so a block's four rows stream from one place ({@link PackedActivations}).
 *
 * <p>Only touch this class after {@link #isAvailable()} returned true: it needs the run-time flag
 * {@code --add-modules jdk.incubator.vector}. One caller at a time (calls are serialized).
 *
 * <p>Weights come as the {@link ByteBuffer}s the safetensors reader maps; {@link SegmentVectorLoads} views them as
 * memory segments for the vector loads.
 */
public final class VectorMatmul implements AutoCloseable {

    /** Below this many multiply-adds, waking the workers costs more than it saves. */
    private static final long SINGLE_THREAD_WORK = 1L << 17;
    /**
     * Bytes of packed activation rows one panel holds: half of a 1 MiB L2, so the panel stays cached while the
     * weights stream past. Decode steps (≤ ~24 rows even at 4864 inputs) are one panel.
     */
    static final long PANEL_BYTES = 512 * 1024;
    /** Chunks per thread: small enough pieces that a thread the OS preempted is covered by the others. */
    private static final int CHUNKS_PER_THREAD = 8;

    private final SpinningWorkerPool pool;
    private final PartitionedTask partTask = this::multiplyPart;
    private final PackedActivations packed = new PackedActivations();

    // Arguments of the call in progress, read by the parts.
    private float[] x;
    private int rows;
    private int in;
    private MemorySegment weightSegment;
    private FloatBuffer weights;
    private int out;
    private float[] y;

    /** True iff the module jdk.incubator.vector is present; checking it loads no Vector API class. */
    public static boolean isAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Starts a fixed pool of daemon worker threads; {@code threads <= 0} means one per available processor. */
    public VectorMatmul(int threads) {
        int parallelism = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.pool = new SpinningWorkerPool(parallelism);
    }

    /** Number of threads a large product is split across (the caller included). */
    public int threads() {
        return pool.parallelism();
    }

    /**
     * Computes y = x · Wᵀ.
     *
     * @param x    activations, {@code rows × in} row-major (at least rows*in elements)
     * @param rows number of activation rows; tuned for 1..64 (decode steps)
     * @param in   input features: the length of every x row and W row
     * @param w    the weight W, {@code out × in} f32 little-endian, starting at byte 0 of the buffer
     *             (its position, limit and byte-order flag are ignored); direct or mapped buffers are fastest
     * @param out  output features: the number of W rows
     * @param y    receives the result, {@code rows × out} row-major (at least rows*out elements)
     */
    public synchronized void multiplyTransposed(float[] x, int rows, int in, ByteBuffer w, int out, float[] y) {
        checkArguments(x, rows, in, w, out, y);
        if (rows == 0 || out == 0) {
            return;
        }
        this.x = x;
        this.rows = rows;
        this.in = in;
        this.weightSegment = SegmentVectorLoads.segmentOf(w);
        this.weights = w.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        this.out = out;
        this.y = y;
        packed.pack(x, rows, in);
        try {
            if ((long) rows * in * out < SINGLE_THREAD_WORK || pool.parallelism() == 1) {
                multiplyPart(0, 1);
            } else {
                int blocks = (out + DotProductKernels.WEIGHT_BLOCK - 1) / DotProductKernels.WEIGHT_BLOCK;
                pool.run(partTask, Math.min(blocks, pool.parallelism() * CHUNKS_PER_THREAD));
            }
        } finally {
            this.x = null;
            this.weightSegment = null;
            this.weights = null;
            this.y = null;
            packed.release();
        }
    }

    private static void checkArguments(float[] x, int rows, int in, ByteBuffer w, int out, float[] y) {
        if (x == null || w == null || y == null) {
            throw new IllegalArgumentException("x, w and y must not be null");
        }
        if (rows < 0 || in < 1 || out < 0) {
            throw new IllegalArgumentException(
                    "need rows >= 0, in >= 1, out >= 0; got rows=" + rows + ", in=" + in + ", out=" + out);
        }
        if ((long) rows * in > x.length) {
            throw new IllegalArgumentException("x has " + x.length + " elements but rows*in = " + rows + "*" + in
                    + " = " + (long) rows * in + " are needed");
        }
        if ((long) rows * out > y.length) {
            throw new IllegalArgumentException("y has " + y.length + " elements but rows*out = " + rows + "*" + out
                    + " = " + (long) rows * out + " are needed");
        }
        long weightBytes = (long) out * in * Float.BYTES;
        if (weightBytes > w.capacity()) {
            throw new IllegalArgumentException("the weight buffer holds " + w.capacity() + " bytes but a " + out
                    + "×" + in + " f32 matrix needs " + weightBytes + "; check the tensor's shape and dtype");
        }
    }

    /**
     * Computes the output columns of one contiguous chunk of weight rows (a multiple of 4 wide). Activation rows go
     * in panels small enough to stay in L2 while the chunk's weight rows stream past them; a decode step's rows fit
     * in one panel, so its weights are read once.
     */
    private void multiplyPart(int part, int parts) {
        int blocks = (out + DotProductKernels.WEIGHT_BLOCK - 1) / DotProductKernels.WEIGHT_BLOCK;
        int first = (int) ((long) blocks * part / parts) * DotProductKernels.WEIGHT_BLOCK;
        int end = Math.min(out, (int) ((long) blocks * (part + 1) / parts) * DotProductKernels.WEIGHT_BLOCK);
        int panelRows = panelRows(in);
        for (int panel = 0; panel < rows; panel += panelRows) {
            multiplyPanel(first, end, panel, Math.min(rows, panel + panelRows));
        }
    }

    /** Activation rows per panel: a multiple of the row block whose packed rows take about PANEL_BYTES. */
    static int panelRows(int in) {
        int fit = (int) (PANEL_BYTES / ((long) in * Float.BYTES));
        return Math.max(DotProductKernels.ROW_BLOCK, fit - fit % DotProductKernels.ROW_BLOCK);
    }

    /** Weight rows [first, end) times activation rows [rowStart, rowEnd) (rowStart a multiple of the row block). */
    private void multiplyPanel(int first, int end, int rowStart, int rowEnd) {
        MemorySegment segment = weightSegment;
        FloatBuffer w = weights;
        float[] xp = packed.data();
        int o = first;
        // Weight rows outer, activation rows inner: the four weight rows stay in L1 while every x row passes them.
        for (; o + DotProductKernels.WEIGHT_BLOCK <= end; o += DotProductKernels.WEIGHT_BLOCK) {
            for (int r = rowStart; r < rowEnd; r += DotProductKernels.ROW_BLOCK) {
                int offset = packed.offset(r);
                int stride = packed.stride(r);
                int blockRows = stride / DotProductKernels.SPECIES.length();
                switch (blockRows) {
                    case 4 -> DotProductKernels.block4x4(segment, w, o, in, xp, offset, stride, x, r, y, out);
                    case 3 -> {
                        DotProductKernels.block4x2(segment, w, o, in, xp, offset, stride, x, r, y, out);
                        DotProductKernels.block4x1(segment, w, o, in, xp, packed.offset(r + 2), stride, x, r + 2, y,
                                out);
                    }
                    case 2 -> DotProductKernels.block4x2(segment, w, o, in, xp, offset, stride, x, r, y, out);
                    default -> DotProductKernels.block4x1(segment, w, o, in, xp, offset, stride, x, r, y, out);
                }
            }
        }
        for (; o < end; o++) {
            for (int r = rowStart; r < rowEnd; r++) {
                DotProductKernels.block1x1(segment, w, o, in, xp, packed.offset(r), packed.stride(r), x, r, y, out);
            }
        }
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
