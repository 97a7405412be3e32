package dev.lorafoundry.engine;

import dev.lorafoundry.model.LlamaModel;
import dev.lorafoundry.model.StepInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Continuous batching on the engine thread: every step admits waiting sequences, runs one forward pass over
 * the decode rows and a budget of prompt chunks, samples, and retires finished sequences.
 */
final class Scheduler implements Runnable {

    private static final Logger LOG = Logger.getLogger(Scheduler.class);

    private final LlamaModel model;
    private final int maxBatchSize;
    private final int prefillBudget;
    private final int vocabSize;
    private final BlockingQueue<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();
    /** Sequences taken from the queue whose adapter is still loading (or waiting for a free slot). */
    private final List<Sequence> deferred = new ArrayList<>();
    private final ResidentAdapters adapters;
    /** Work other threads hand to the engine thread (adapter unload, pinning), run between steps. */
    private final java.util.Queue<Runnable> commands = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final DistributionSummary batchSizes;
    private final DistributionSummary stepAdapters;
    private final Counter cancelled;
    private final CpuTurns turns;
    private volatile boolean stopped;

    Scheduler(LlamaModel model, int maxBatchSize, int maxQueued, int prefillBudget, int maxLoras,
              MeterRegistry registry, CpuTurns turns) {
        this.model = model;
        this.turns = turns;
        this.adapters = new ResidentAdapters(maxLoras);
        this.maxBatchSize = maxBatchSize;
        this.prefillBudget = Math.max(1, prefillBudget);
        this.vocabSize = model.config().vocabSize();
        this.waiting = new ArrayBlockingQueue<>(maxQueued);
        registry.gauge("lorafoundry_queue_depth", waiting, BlockingQueue::size);
        registry.gauge("lorafoundry_running_sequences", running, List::size);
        this.batchSizes = DistributionSummary.builder("lorafoundry_step_batch_size")
                .description("Sequences in one engine step").register(registry);
        this.stepAdapters = DistributionSummary.builder("lorafoundry_step_adapters")
                .description("Distinct LoRA adapters in one engine step").register(registry);
        this.cancelled = Counter.builder("lorafoundry_cancelled_sequences")
                .description("Sequences cancelled before they finished (client gone)").register(registry);
    }

    /** Queues a sequence; false when the queue is full. */
    boolean offer(Sequence sequence) {
        return waiting.offer(sequence);
    }

    void stop() {
        stopped = true;
    }

    /** Runs {@code command} on the engine thread before the next step. */
    void execute(Runnable command) {
        commands.add(command);
    }

    ResidentAdapters adapters() {
        return adapters;
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                for (Runnable command; (command = commands.poll()) != null; ) {
                    command.run();
                }
                admitDeferred();
                turns.inferencePending(!running.isEmpty() || !waiting.isEmpty());
                if (running.isEmpty()) {
                    // With adapters still loading, look again soon; otherwise sleep until work arrives.
                    Sequence next = waiting.poll(deferred.isEmpty() ? 100 : 2, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        continue;
                    }
                    admit(next);
                }
                while (running.size() < maxBatchSize && deferred.size() < maxBatchSize && !waiting.isEmpty()) {
                    admit(waiting.poll());
                }
                dropCancelled();
                turns.inferencePending(!running.isEmpty());
                if (!running.isEmpty()) {
                    // A training run, if any, takes turns with these steps (CpuTurns keeps its share).
                    turns.beginInference();
                    long started = System.nanoTime();
                    try {
                        step();
                    } finally {
                        turns.endInference(System.nanoTime() - started);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("Engine step failed; failing the sequences in it", e);
                for (Sequence s : running) {
                    finishWithError(s, e);
                }
                running.clear();
            }
        }
        IllegalStateException shutdown = new IllegalStateException("the engine is shutting down");
        running.forEach(s -> finishWithError(s, shutdown));
        deferred.forEach(s -> finishWithError(s, shutdown));
    }

    /** Admits deferred sequences whose adapter has become resident, in arrival order. */
    private void admitDeferred() {
        for (Iterator<Sequence> it = deferred.iterator(); it.hasNext() && running.size() < maxBatchSize; ) {
            Sequence s = it.next();
            if (s.isCancelled()) {
                it.remove();
                cancelled.increment();
                s.listener().onFinish(FinishReason.CANCELLED, s.prompt.length, 0);
            } else if (acquireAdapter(s)) {
                it.remove();
                start(s);
            } else if (s.adapterFailed) {
                it.remove();
            }
        }
    }

    /** True when the sequence can run now: no adapter, or its adapter is resident (and now used by it). */
    private boolean acquireAdapter(Sequence s) {
        LoraRequest lora = s.request.lora();
        if (lora == null) {
            return true;
        }
        try {
            s.adapter = adapters.acquire(lora);
        } catch (java.util.concurrent.CompletionException e) {
            s.adapterFailed = true;
            s.listener().onError(e.getCause() == null ? e : e.getCause());
            return false;
        }
        return s.adapter != null;
    }

    private void admit(Sequence sequence) {
        if (sequence == null) {
            return;
        }
        if (sequence.isCancelled()) {
            sequence.listener().onFinish(FinishReason.CANCELLED, sequence.prompt.length, 0);
            return;
        }
        if (acquireAdapter(sequence)) {
            start(sequence);
        } else if (!sequence.adapterFailed) {
            deferred.add(sequence);
        }
    }

    private void start(Sequence sequence) {
        sequence.cache = model.newCache(sequence.capacity);
        running.add(sequence);
    }

    /** Frees what a finished sequence holds: its cache and its use of the adapter. */
    private void retire(Sequence s) {
        if (s.cache != null) {
            s.cache.close();
            s.cache = null;
        }
        if (s.adapter != null) {
            adapters.release(s.adapter);
            s.adapter = null;
        }
    }

    private void dropCancelled() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.isCancelled()) {
                it.remove();
                cancelled.increment();
                retire(s);
                s.listener().onFinish(FinishReason.CANCELLED, s.prompt.length, s.outputCount);
            }
        }
    }

    private void step() {
        List<Sequence> scheduled = new ArrayList<>(running.size());
        List<StepInput.Row> rows = new ArrayList<>(running.size());
        int budget = prefillBudget;
        for (Sequence s : running) {
            if (!s.isPrefilling()) {
                rows.add(new StepInput.Row(s.cache, new int[] {s.lastToken()}, s.position, false, s.adapter));
                scheduled.add(s);
            }
        }
        for (Sequence s : running) {
            if (s.isPrefilling() && (budget > 0 || scheduled.isEmpty())) {
                int n = Math.max(1, Math.min(budget, s.prompt.length - s.position));
                int[] chunk = java.util.Arrays.copyOfRange(s.prompt, s.position, s.position + n);
                rows.add(new StepInput.Row(s.cache, chunk, s.position, s.promptLogprobs != null, s.adapter));
                scheduled.add(s);
                budget -= n;
            }
        }
        batchSizes.record(scheduled.size());
        stepAdapters.record(scheduled.stream().filter(s -> s.adapter != null).map(s -> s.adapter.name()).distinct().count());
        float[] logits = model.forward(new StepInput(rows));

        int offset = 0;
        for (int i = 0; i < scheduled.size(); i++) {
            Sequence s = scheduled.get(i);
            StepInput.Row row = rows.get(i);
            int n = row.tokens().length;
            if (row.allLogits()) {
                collectPromptLogprobs(s, logits, offset, row);
                offset += (n - 1) * vocabSize;
            }
            s.position += n;
            if (!s.isPrefilling()) {
                if (s.promptLogprobs != null && s.outputCount == 0) {
                    s.listener().onPromptLogprobs(List.copyOf(s.promptLogprobs));
                }
                emitNext(s, logits, offset);
            }
            offset += vocabSize;
        }
        running.removeIf(s -> s.cache == null);
    }

    private void collectPromptLogprobs(Sequence s, float[] logits, int offset, StepInput.Row row) {
        if (row.startPosition() == 0) {
            s.promptLogprobs.add(new TokenLogprobs(s.prompt[0], null, List.of()));
        }
        for (int i = 0; i < row.tokens().length; i++) {
            int next = row.startPosition() + i + 1;
            if (next < s.prompt.length) {
                s.promptLogprobs.add(Logprobs.of(logits, offset + i * vocabSize, vocabSize, s.prompt[next],
                        s.request.promptLogprobs()));
            }
        }
    }

    private void emitNext(Sequence s, float[] logits, int offset) {
        SamplingParams params = s.request.params();
        TokenConstraint constraint = s.request.constraint();
        if (constraint != null) {
            constraint.maskLogits(logits, offset, vocabSize);
        }
        SampledToken sampled = s.sampler.sample(logits, offset, s.prompt, s.output, s.outputCount);
        int token = sampled.tokenId();
        s.append(token);
        if (constraint != null) {
            constraint.accept(token);
        }
        FinishReason reason = null;
        String text;
        if ((!params.ignoreEos() && s.eosTokenIds.contains(token)) || params.stopTokenIds().contains(token)) {
            reason = FinishReason.STOP;
            text = remainingText(s);
        } else {
            StopStringMatcher.Result result = s.stopMatcher.push(s.detokenizer.add(token));
            text = result.emit();
            if (result.stopped()) {
                reason = FinishReason.STOP;
            } else if (constraint != null && constraint.isComplete()) {
                // The constrained value is whole: end here, as the model's EOS would.
                reason = FinishReason.STOP;
                text += remainingText(s);
            } else if (s.outputCount >= params.maxTokens() || s.prompt.length + s.outputCount >= s.capacity) {
                reason = FinishReason.LENGTH;
                text += remainingText(s);
            }
        }
        s.listener().onToken(new GeneratedToken(token, text, sampled.logprobs()));
        if (reason != null) {
            retire(s);
            s.listener().onFinish(reason, s.prompt.length, s.outputCount);
        }
    }

    /** What the detokenizer and stop matcher still hold when a sequence ends (cut at a stop string if one completes). */
    private static String remainingText(Sequence s) {
        return s.stopMatcher.push(s.detokenizer.flush()).emit() + s.stopMatcher.flush();
    }

    private void finishWithError(Sequence s, Throwable error) {
        retire(s);
        s.listener().onError(error);
    }
}
