package dev.lorafoundry.grammar;

import dev.lorafoundry.engine.TokenConstraint;
import dev.lorafoundry.tokenizer.Tokenizer;

/** Enforces a {@link JsonGrammar} over a tokenizer's vocabulary, token by token (a mask built by walking a token trie). */
public final class GrammarConstraint implements TokenConstraint {

    /** @param tokenizer gives each token's bytes; build the vocabulary trie once per tokenizer and cache it */
    public GrammarConstraint(JsonGrammar grammar, Tokenizer tokenizer) {
        throw new UnsupportedOperationException("contract stub");
    }

    @Override
    public void maskLogits(float[] logits, int offset, int vocabSize) {
        throw new UnsupportedOperationException("contract stub");
    }

    @Override
    public void accept(int tokenId) {
        throw new UnsupportedOperationException("contract stub");
    }

    @Override
    public boolean isComplete() {
        throw new UnsupportedOperationException("contract stub");
    }
}
