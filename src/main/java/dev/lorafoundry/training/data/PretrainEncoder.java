package dev.lorafoundry.training.data;

import dev.lorafoundry.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pre-training blocks: every document tokenized and followed by EOS, all joined, then cut into blocks of exactly
 * cutoff_len tokens with loss on every token; the tail shorter than a block is dropped (LLaMA-Factory's packing).
 * For tokenizers that want a BOS (add_bos_token) each block's first token becomes BOS, as LLaMA-Factory does.
 */
public final class PretrainEncoder {

    private final Tokenizer tokenizer;
    private final int cutoffLen;
    private final int eosId;

    public PretrainEncoder(Tokenizer tokenizer, int cutoffLen) {
        if (cutoffLen < 1) {
            throw new IllegalArgumentException("cutoff_len must be at least 1 token for pre-training blocks, got " + cutoffLen);
        }
        this.tokenizer = tokenizer;
        this.cutoffLen = cutoffLen;
        this.eosId = tokenizer.eosTokenId().orElseThrow(() -> new EncodingException(
                "the tokenizer has no eos_token to separate documents; set eos_token in tokenizer_config.json"));
    }

    /**
     * The blocks and what did not fill one.
     *
     * @param blocks        each exactly cutoff_len tokens
     * @param droppedTokens tokens at the end that did not fill a block
     */
    public record Blocks(List<EncodedExample> blocks, int droppedTokens) {}

    public Blocks encode(List<Document> documents) {
        int[] stream = new int[1024];
        int size = 0;
        for (Document document : documents) {
            int[] ids = tokenizer.encode(document.text(), false);
            if (size + ids.length + 1 > stream.length) {
                stream = Arrays.copyOf(stream, Math.max(stream.length * 2, size + ids.length + 1));
            }
            System.arraycopy(ids, 0, stream, size, ids.length);
            size += ids.length;
            stream[size++] = eosId;
        }
        Integer bos = tokenizer.addBosToken() && tokenizer.bosToken() != null
                ? tokenizer.tokenId(tokenizer.bosToken()).stream().boxed().findFirst().orElse(null) : null;
        List<EncodedExample> blocks = new ArrayList<>(size / cutoffLen);
        for (int start = 0; start + cutoffLen <= size; start += cutoffLen) {
            int[] ids = Arrays.copyOfRange(stream, start, start + cutoffLen);
            if (bos != null) {
                ids[0] = bos;
            }
            boolean[] mask = new boolean[cutoffLen];
            Arrays.fill(mask, true);
            blocks.add(new EncodedExample(ids, mask));
        }
        return new Blocks(blocks, size % cutoffLen);
    }
}
