package dev.lorafoundry.grammar;

import dev.lorafoundry.engine.TokenConstraint;
import dev.lorafoundry.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Enforces a {@link JsonGrammar} over a tokenizer's vocabulary, token by token (a mask built by walking a token trie).
 * The end-of-sequence token is allowed only where the output may end; once nothing more can be written
 * {@link #isComplete()} is true.
 */
public final class GrammarConstraint implements TokenConstraint {

    private final Tokenizer tokenizer;
    private final VocabularyIndex vocabulary;
    private final int eosTokenId;
    private final boolean[] allowed;
    private final RecogniserState[] statesByDepth;
    private final StringFrame[] stringsByDepth;
    private RecogniserState state;
    private boolean complete;

    /** @param tokenizer gives each token's bytes; build the vocabulary trie once per tokenizer and cache it */
    public GrammarConstraint(JsonGrammar grammar, Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.vocabulary = VocabularyIndex.of(tokenizer);
        this.eosTokenId = tokenizer.eosTokenId().orElse(-1);
        this.allowed = new boolean[vocabulary.idLimit];
        this.statesByDepth = new RecogniserState[vocabulary.allTokens.maxDepth + 1];
        this.stringsByDepth = new StringFrame[vocabulary.allTokens.maxDepth + 1];
        this.state = grammar.initialState();
        this.complete = !state.canContinue() && state.isAccepting();
    }

    @Override
    public void maskLogits(float[] logits, int offset, int vocabSize) {
        Arrays.fill(allowed, false);
        if (!complete) {
            markAllowedTokens();
        }
        if (eosTokenId >= 0 && eosTokenId < allowed.length && state.isAccepting()) {
            allowed[eosTokenId] = true;
        }
        int known = Math.min(vocabSize, allowed.length);
        for (int id = 0; id < known; id++) {
            if (!allowed[id]) {
                logits[offset + id] = Float.NEGATIVE_INFINITY;
            }
        }
        // ids past the tokenizer (padded embedding rows) have no bytes and are never allowed
        Arrays.fill(logits, offset + known, offset + vocabSize, Float.NEGATIVE_INFINITY);
    }

    /**
     * Inside a string, at a character boundary, the plain tokens that fit are allowed by their length alone and only the
     * other tokens are walked; elsewhere the whole vocabulary is walked.
     */
    private void markAllowedTokens() {
        ParseStack belowString = state.singleStringThreadRest();
        if (belowString != null && ((StringFrame) state.singleThread().top()).mode() == StringFrame.NORMAL) {
            StringFrame string = (StringFrame) state.singleThread().top();
            int fitting = vocabulary.plainTokensUpTo(string.max() - string.count());
            for (int i = 0; i < fitting; i++) {
                allowed[vocabulary.plainIds[i]] = true;
            }
            walk(vocabulary.nonPlainTokens);
        } else {
            walk(vocabulary.allTokens);
        }
    }

    /**
     * Depth-first over the trie: a node is reached only if all its bytes are valid, else its subtree is skipped.
     * Inside a string the walk steps a bare {@link StringFrame} per depth and builds a full state only where the
     * string closes.
     */
    private void walk(VocabularyTrie trie) {
        ParseStack belowString = state.singleStringThreadRest();
        if (belowString != null) {
            stringsByDepth[0] = (StringFrame) state.singleThread().top();
        } else {
            statesByDepth[0] = state;
        }
        int nodeCount = trie.nodeCount();
        int node = 1;
        while (node < nodeCount) {
            int depth = trie.depth[node];
            int b = trie.edgeByte[node] & 0xff;
            StringFrame string = stringsByDepth[depth - 1];
            boolean reached;
            if (string != null) {
                StringFrame nextString = string.next(b);
                stringsByDepth[depth] = nextString;
                statesByDepth[depth] = nextString == null && string.closesOn(b) ? RecogniserState.of(belowString) : null;
                reached = nextString != null || statesByDepth[depth] != null;
            } else {
                stringsByDepth[depth] = null;
                statesByDepth[depth] = statesByDepth[depth - 1].step(b);
                reached = statesByDepth[depth] != null;
            }
            if (!reached) {
                node = trie.subtreeEnd[node];
                continue;
            }
            for (int t = trie.tokenStart[node]; t < trie.tokenStart[node + 1]; t++) {
                allowed[trie.tokenIds[t]] = true;
            }
            node++;
        }
        Arrays.fill(statesByDepth, null); // let the walk's states be collected
        Arrays.fill(stringsByDepth, null);
    }

    @Override
    public void accept(int tokenId) {
        if (tokenId == eosTokenId && state.isAccepting()) {
            complete = true;
            return;
        }
        byte[] bytes = tokenId >= 0 && tokenId < vocabulary.idLimit && !tokenizer.isSpecial(tokenId)
                ? tokenizer.tokenBytes(tokenId) : new byte[0];
        RecogniserState next = bytes.length == 0 ? null : state.step(bytes);
        if (next == null) {
            throw new IllegalStateException("token " + tokenId + " (" + tokenizer.tokenString(tokenId)
                    + ") breaks the output grammar; it should have been masked by maskLogits before sampling");
        }
        state = next;
        complete = state.isAccepting() && !state.canContinue();
    }

    @Override
    public boolean isComplete() {
        return complete;
    }
}
