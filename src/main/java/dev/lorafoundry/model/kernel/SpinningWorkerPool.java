package dev.lorafoundry.model.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that, together with the calling thread, run the chunks of one task at a time.
 *
 * <p>Decode steps call a matmul ~170 times in quick succession, so waking threads through a queue or a
 * ForkJoinPool would cost more than the small products themselves. A round is published in one atomic
 * word (generation, chunk count, next unclaimed chunk); every thread claims chunks from it by CAS until none
 * are left. Because the caller claims chunks too, a worker that the OS has descheduled (2 shared cores)
 * delays nothing: the caller simply does its share. Workers spin briefly for the next round (the next
 * matmul usually follows within microseconds) and park when the engine goes idle. One caller at a time.
 */
final class SpinningWorkerPool implements AutoCloseable {

    /** How long a worker spins for the next round before parking: covers the gaps inside a decode step. */
    private static final long WORKER_SPIN_NANOS = 5_000_000;
    /** How long the caller spins for chunks still running elsewhere before parking. */
    private static final long CALLER_SPIN_NANOS = 1_000_000;
    private static final int CHUNK_BITS = 16;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    /** Largest number of chunks one round may have. */
    static final int MAX_CHUNKS = (int) CHUNK_MASK;

    private final Thread[] workers;
    /** generation (high 32 bits) | chunk count (16 bits) | next unclaimed chunk (low 16 bits). */
    private final AtomicLong round = new AtomicLong();
    private final AtomicInteger chunksDone = new AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;
    // Written before the round is published, read only by a thread holding a claimed chunk of that round,
    // and the round cannot end (so these cannot change) while any claimed chunk is unfinished.
    private PartitionedTask task;
    private Thread caller;

    /** Starts {@code threads - 1} workers; the caller is the remaining thread. */
    SpinningWorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("vector-matmul-" + (i + 1)).unstarted(this::workLoop);
            workers[i].start();
        }
    }

    /** Number of threads that share a round: the workers plus the caller. */
    int parallelism() {
        return workers.length + 1;
    }

    /** Runs chunks 0..chunks-1 of the task on the workers and the calling thread; returns when all are done. */
    void run(PartitionedTask task, int chunks) {
        if (closed) {
            throw new IllegalStateException("VectorMatmul was closed; create a new one");
        }
        if (chunks < 1 || chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("chunks must be in 1.." + MAX_CHUNKS + ", got " + chunks);
        }
        if (workers.length == 0 || chunks == 1) {
            for (int chunk = 0; chunk < chunks; chunk++) {
                task.runPart(chunk, chunks);
            }
            return;
        }
        this.task = task;
        this.caller = Thread.currentThread();
        chunksDone.set(0);
        long generation = (round.get() >>> 32) + 1;
        round.set(generation << 32 | (long) chunks << CHUNK_BITS); // publishes the fields above
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        claimAndRun(generation);
        awaitChunks(chunks);
        this.task = null;
        Throwable thrown = failure;
        failure = null;
        if (thrown instanceof RuntimeException e) {
            throw e;
        } else if (thrown instanceof Error e) {
            throw e;
        } else if (thrown != null) {
            throw new IllegalStateException("a matmul chunk failed", thrown);
        }
    }

    /** Claims and runs chunks of the given generation until none are left (or the round moved on). */
    private void claimAndRun(long generation) {
        while (true) {
            long state = round.get();
            if (state >>> 32 != generation) {
                return;
            }
            int chunks = (int) (state >>> CHUNK_BITS & CHUNK_MASK);
            int next = (int) (state & CHUNK_MASK);
            if (next >= chunks) {
                return;
            }
            if (!round.compareAndSet(state, state + 1)) {
                continue;
            }
            try {
                task.runPart(next, chunks);
            } catch (Throwable t) {
                failure = t;
            }
            Thread waiting = caller;
            if (chunksDone.incrementAndGet() == chunks && Thread.currentThread() != waiting) {
                LockSupport.unpark(waiting);
            }
        }
    }

    private void awaitChunks(int chunks) {
        long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
        while (chunksDone.get() != chunks) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
    }

    private void workLoop() {
        long seen = 0;
        while (true) {
            long generation;
            long deadline = System.nanoTime() + WORKER_SPIN_NANOS;
            while ((generation = round.get() >>> 32) == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this); // the caller unparks after publishing a round: no lost wakeup
                }
            }
            seen = generation;
            claimAndRun(generation);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
