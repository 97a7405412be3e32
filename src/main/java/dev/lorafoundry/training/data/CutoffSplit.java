package dev.lorafoundry.training.data;

/**
 * How many prompt (source) and answer (target) tokens of one turn fit a budget, LLaMA-Factory's infer_seqlen: a short
 * answer is kept whole and the prompt cut; a short prompt is kept and the answer cut; otherwise both shrink in
 * proportion.
 *
 * @param source prompt tokens kept (from its start)
 * @param target answer tokens kept (from its start)
 */
record CutoffSplit(int source, int target) {

    static CutoffSplit of(int sourceLen, int targetLen, int budget) {
        int maxTarget;
        if (targetLen * 2 < budget) {
            maxTarget = budget;
        } else if (sourceLen * 2 < budget) {
            maxTarget = budget - sourceLen;
        } else {
            maxTarget = (int) (budget * ((double) targetLen / (sourceLen + targetLen)));
        }
        int target = Math.min(maxTarget, targetLen);
        int source = Math.min(Math.max(budget - target, 0), sourceLen);
        return new CutoffSplit(source, target);
    }
}
