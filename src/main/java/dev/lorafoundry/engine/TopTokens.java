package dev.lorafoundry.engine;

/** Finds the n largest entries of a logits row with a bounded min-heap, without sorting the vocabulary. */
final class TopTokens {

    private TopTokens() {}

    /** Token ids of the n largest values, most likely first; equal values list the lower id first. */
    static int[] largest(float[] values, int offset, int vocabSize, int n) {
        int[] heap = new int[n];
        if (n == 0) {
            return heap;
        }
        int size = 0;
        for (int token = 0; token < vocabSize; token++) {
            if (size < n) {
                heap[size] = token;
                siftUp(heap, size++, values, offset);
            } else if (ranksAbove(values, offset, token, heap[0])) {
                heap[0] = token;
                siftDown(heap, size, values, offset);
            }
        }
        // Pop the min repeatedly into the tail: yields descending order without a comparator sort.
        for (int end = size - 1; end > 0; end--) {
            int min = heap[0];
            heap[0] = heap[end];
            heap[end] = min;
            siftDown(heap, end, values, offset);
        }
        return heap;
    }

    /** The value of the k-th largest entry (k ≥ 1), ignoring NaN. */
    static float kthLargestValue(float[] values, int offset, int vocabSize, int k, float[] heap) {
        int size = 0;
        for (int i = offset, end = offset + vocabSize; i < end; i++) {
            float v = values[i];
            if (size < k) {
                int child = size++;
                heap[child] = v;
                while (child > 0) {
                    int parent = (child - 1) >>> 1;
                    if (heap[parent] <= heap[child]) break;
                    float t = heap[parent]; heap[parent] = heap[child]; heap[child] = t;
                    child = parent;
                }
            } else if (v > heap[0]) {
                heap[0] = v;
                int parent = 0;
                while (true) {
                    int child = 2 * parent + 1;
                    if (child >= size) break;
                    if (child + 1 < size && heap[child + 1] < heap[child]) child++;
                    if (heap[parent] <= heap[child]) break;
                    float t = heap[parent]; heap[parent] = heap[child]; heap[child] = t;
                    parent = child;
                }
            }
        }
        return heap[0];
    }

    /** True when token a is more likely than b (higher value, or equal value and lower id). */
    private static boolean ranksAbove(float[] values, int offset, int a, int b) {
        float va = values[offset + a];
        float vb = values[offset + b];
        return va > vb || (va == vb && a < b);
    }

    private static void siftUp(int[] heap, int child, float[] values, int offset) {
        while (child > 0) {
            int parent = (child - 1) >>> 1;
            if (!ranksAbove(values, offset, heap[parent], heap[child])) break;
            int t = heap[parent]; heap[parent] = heap[child]; heap[child] = t;
            child = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] values, int offset) {
        int parent = 0;
        while (true) {
            int child = 2 * parent + 1;
            if (child >= size) break;
            if (child + 1 < size && ranksAbove(values, offset, heap[child], heap[child + 1])) child++;
            if (!ranksAbove(values, offset, heap[parent], heap[child])) break;
            int t = heap[parent]; heap[parent] = heap[child]; heap[child] = t;
            parent = child;
        }
    }
}
