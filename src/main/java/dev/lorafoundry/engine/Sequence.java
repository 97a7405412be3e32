package dev.lorafoundry.engine;

import dev.lorafoundry.model.KvCache;
import dev.lorafoundry.model.lora.PreparedLora;
import dev.lorafoundry.tokenizer.IncrementalDetokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The engine-side state of one request: its cache, progress through the prompt, and generated tokens. */
final class Sequence implements GenerationHandle {

    final GenerationRequest request;
    final int[] prompt;
    final int capacity;
    final Sampler sampler;
    final IncrementalDetokenizer detokenizer;
    final StopStringMatcher stopMatcher;
    final Set<Integer> eosTokenIds;
    final long submittedNanos = System.nanoTime();
    final List<TokenLogprobs> promptLogprobs;

    KvCache cache;
    /** The adapter's weights while the sequence holds a use of them; null on the base model or before admission. */
    PreparedLora adapter;
    /** Loading the adapter failed; the listener has been told. */
    boolean adapterFailed;
    /** Tokens already written to the cache. */
    int position;
    int[] output;
    int outputCount;
    private volatile boolean cancelled;

    Sequence(GenerationRequest request, int capacity, Sampler sampler, IncrementalDetokenizer detokenizer,
             Set<Integer> eosTokenIds) {
        this.request = request;
        this.prompt = request.promptTokens();
        this.capacity = capacity;
        this.sampler = sampler;
        this.detokenizer = detokenizer;
        this.stopMatcher = new StopStringMatcher(request.params().stop());
        this.eosTokenIds = eosTokenIds;
        this.output = new int[Math.max(1, Math.min(request.params().maxTokens(), capacity - prompt.length))];
        this.promptLogprobs = request.promptLogprobs() >= 0 ? new ArrayList<>(prompt.length) : null;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }

    boolean isPrefilling() {
        return position < prompt.length;
    }

    int lastToken() {
        return outputCount == 0 ? prompt[prompt.length - 1] : output[outputCount - 1];
    }

    void append(int token) {
        if (outputCount == output.length) {
            output = Arrays.copyOf(output, output.length * 2);
        }
        output[outputCount++] = token;
    }

    GenerationListener listener() {
        return request.listener();
    }
}
