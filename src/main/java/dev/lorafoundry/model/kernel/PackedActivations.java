package dev.lorafoundry.model.kernel;

import java.util.function.IntUnaryOperator;

/**
 * The activation rows cut into panels for a kernel and transposed inside each panel: a panel of R rows starting at
 * row r0 is stored input-major, {@code panel[i][j] = x[r0 + j][i]}, so a kernel finds the R values it broadcasts for
 * input i side by side. The panel sizes are the kernel's ({@link #BROADCAST_PANELS}, {@link #NATIVE_PANELS}).
 * One row needs no repacking: its layout is the row itself.
 */
final class PackedActivations {

    /** Rows of the largest panel of the Java kernels (with four blocks: 16 accumulators, half the vector registers). */
    static final int MAX_PANEL_ROWS = 4;

    /** The Java broadcast kernels' panels: 4, 2 or 1 rows, largest first (7 rows: 4 + 2 + 1). */
    static final IntUnaryOperator BROADCAST_PANELS = PackedActivations::broadcastPanelRows;
    /** The native kernel's panels: 16 rows, then what is left in one panel (37 rows: 16 + 16 + 5). */
    static final IntUnaryOperator NATIVE_PANELS = remaining -> Math.min(NativeMatmul.PANEL_ROWS, remaining);

    private float[] scratch = new float[0];
    private float[] packed;

    /**
     * Packs {@code rows × in} row-major activations; the previous packing is overwritten.
     *
     * @param panelRows the rows of the panel that starts where its argument's number of rows are left
     */
    void pack(float[] x, int rows, int in, IntUnaryOperator panelRows) {
        if (rows == 1) {
            packed = x;
            return;
        }
        int needed = rows * in;
        if (scratch.length < needed) {
            scratch = new float[needed];
        }
        packed = scratch;
        for (int first = 0, panel; first < rows; first += panel) {
            panel = panelRows.applyAsInt(rows - first);
            int base = first * in;
            for (int j = 0; j < panel; j++) {
                int from = (first + j) * in;
                for (int i = 0; i < in; i++) {
                    packed[base + i * panel + j] = x[from + i];
                }
            }
        }
    }

    /** Rows of the broadcast kernels' panel that starts where {@code remaining} rows are left: the largest that fits. */
    static int broadcastPanelRows(int remaining) {
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
