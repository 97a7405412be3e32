package dev.lorafoundry.model.kernel;

/**
 * The activation rows cut into panels for the broadcast kernels ({@link BroadcastKernels}) and transposed inside each
 * panel: a panel of R rows starting at row r0 is stored input-major, {@code panel[i][j] = x[r0 + j][i]}, so a kernel
 * finds the R values it broadcasts for input i side by side. Panels take 4, 2 or 1 rows, largest first
 * (7 rows: 4 + 2 + 1). One row needs no repacking: its layout is the row itself. For the native kernel the same
 * transposition is done by native code, in panels of {@link NativeMatmul#PANEL_ROWS} rows.
 */
final class PackedActivations {

    /** Rows of the largest panel (with four blocks: 16 accumulators, half the vector registers). */
    static final int MAX_PANEL_ROWS = 4;

    private float[] scratch = new float[0];
    private float[] packed;

    /** Packs {@code rows × in} row-major activations; the previous packing is overwritten. */
    void pack(float[] x, int rows, int in) {
        if (rows == 1) {
            packed = x;
            return;
        }
        packed = scratch(rows * in);
        for (int first = 0, panel; first < rows; first += panel) {
            panel = panelRows(rows - first);
            int base = first * in;
            for (int j = 0; j < panel; j++) {
                int from = (first + j) * in;
                for (int i = 0; i < in; i++) {
                    packed[base + i * panel + j] = x[from + i];
                }
            }
        }
    }

    /** Packs {@code rows × in} row-major activations into the native kernel's panels, by its own code. */
    void packNatively(float[] x, int rows, int in, NativeMatmul kernel) {
        packed = scratch(rows * in);
        kernel.pack(x, rows, in, packed);
    }

    private float[] scratch(int needed) {
        if (scratch.length < needed) {
            scratch = new float[needed];
        }
        return scratch;
    }

    /** Rows of the panel that starts where {@code remaining} rows are left: the largest size that fits. */
    static int panelRows(int remaining) {
        int size = MAX_PANEL_ROWS;
        while (size > remaining) {
            size >>= 1;
        }
        return size;
    }

    /** The packed values; panel starting at row r0 begins at index {@code r0 * in}. Valid until the next pack. */
    float[] data() {
        return packed;
    }

    /** Drops the reference to the caller's activations (the scratch space is kept for the next call). */
    void release() {
        packed = null;
    }
}
