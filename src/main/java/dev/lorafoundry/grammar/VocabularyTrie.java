package dev.lorafoundry.grammar;

import java.util.Arrays;

/**
 * The bytes of every ordinary token of a vocabulary as a trie, flattened in preorder so a depth-first walk is a loop
 * over node numbers that jumps past a whole subtree when its first byte is invalid.
 */
final class VocabularyTrie {

    /** Byte on the edge into each node (node 0 is the root). */
    final byte[] edgeByte;
    /** Length of the byte string each node stands for. */
    final int[] depth;
    /** First node after each node's subtree. */
    final int[] subtreeEnd;
    /** Token ids ending at node n are tokenIds[tokenStart[n] .. tokenStart[n + 1]). */
    final int[] tokenStart;
    final int[] tokenIds;
    /** One more than the largest token id the tokenizer knows. */
    final int idLimit;
    final int maxDepth;

    private VocabularyTrie(byte[] edgeByte, int[] depth, int[] subtreeEnd, int[] tokenStart, int[] tokenIds, int idLimit) {
        this.edgeByte = edgeByte;
        this.depth = depth;
        this.subtreeEnd = subtreeEnd;
        this.tokenStart = tokenStart;
        this.tokenIds = tokenIds;
        this.idLimit = idLimit;
        this.maxDepth = Arrays.stream(depth).max().orElse(0);
    }

    int nodeCount() {
        return depth.length;
    }

    /** The trie of the given tokens (none empty); ids index bytesById. */
    static VocabularyTrie of(byte[][] bytesById, int[] tokens, int idLimit) {
        int usable = tokens.length;
        Integer[] ids = Arrays.stream(tokens).boxed().toArray(Integer[]::new);
        Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytesById[a], bytesById[b]));

        int capacity = 1;
        for (Integer id : ids) {
            capacity += bytesById[id].length;
        }
        byte[] edgeByte = new byte[capacity];
        int[] depth = new int[capacity];
        int[] subtreeEnd = new int[capacity];
        int[] tokenNode = new int[usable];
        int[] path = new int[capacity + 1]; // path[d]: the open node at depth d
        int nodes = 1;
        int openDepth = 0;
        byte[] previous = new byte[0];
        for (int t = 0; t < usable; t++) {
            byte[] bytes = bytesById[ids[t]];
            int common = commonPrefix(previous, bytes);
            for (int d = openDepth; d > common; d--) {
                subtreeEnd[path[d]] = nodes;
            }
            for (int d = common + 1; d <= bytes.length; d++) {
                edgeByte[nodes] = bytes[d - 1];
                depth[nodes] = d;
                path[d] = nodes++;
            }
            openDepth = bytes.length;
            tokenNode[t] = path[bytes.length];
            previous = bytes;
        }
        for (int d = openDepth; d >= 0; d--) {
            subtreeEnd[path[d]] = nodes;
        }
        int[] tokenStart = new int[nodes + 1];
        for (int node : tokenNode) {
            tokenStart[node + 1]++;
        }
        for (int n = 0; n < nodes; n++) {
            tokenStart[n + 1] += tokenStart[n];
        }
        int[] tokenIds = new int[usable];
        for (int t = 0; t < usable; t++) {
            tokenIds[t] = ids[t]; // sorted order visits nodes in preorder, so ids of one node are contiguous
        }
        return new VocabularyTrie(Arrays.copyOf(edgeByte, nodes), Arrays.copyOf(depth, nodes),
                Arrays.copyOf(subtreeEnd, nodes), tokenStart, tokenIds, idLimit);
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int mismatch = Arrays.mismatch(a, b);
        return mismatch < 0 ? a.length : mismatch;
    }
}
