package dev.lorafoundry.model.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that run the parts of one task at a time together with the calling thread.
 *
 * <p>Decode steps call a matmul ~170 times in quick succession, so waking threads through a queue or a
 * ForkJoinPool would cost more than the small products themselves. Here a round is published by bumping a
 * volatile generation counter; workers spin briefly on it (the next matmul usually follows within
 * microseconds) and park only when the engine goes idle. Every worker acknowledges every round, so a round
 * never starts before all workers have finished reading the previous one. One caller at a time.
 */
final class SpinningWorkerPool implements AutoCloseable {

    /** How long a worker spins for the next round before parking: covers the gaps inside a decode step. */
    private static final long WORKER_SPIN_NANOS = 100_000;
    /** How long the caller spins for stragglers before parking. */
    private static final long CALLER_SPIN_NANOS = 1_000_000;

    private final Thread[] workers;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable workerFailure;
    // Written before the volatile generation bump, read after it: safely published.
    private PartitionedTask task;
    private Thread caller;

    /** Starts {@code threads - 1} workers; the caller is the remaining thread. */
    SpinningWorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("vector-matmul-" + part).unstarted(() -> workLoop(part));
            workers[i].start();
        }
    }

    /** Number of parts a task is split into: the workers plus the caller. */
    int parallelism() {
        return workers.length + 1;
    }

    /** Runs all {@link #parallelism()} parts of the task, part 0 on the calling thread; returns when all are done. */
    void run(PartitionedTask task) {
        if (closed) {
            throw new IllegalStateException("VectorMatmul was closed; create a new one");
        }
        int parts = parallelism();
        if (parts == 1) {
            task.runPart(0, 1);
            return;
        }
        this.task = task;
        this.caller = Thread.currentThread();
        remaining.set(workers.length);
        generation = generation + 1; // single writer: the one caller
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        Throwable callerFailure = null;
        try {
            task.runPart(0, parts);
        } catch (Throwable t) {
            callerFailure = t;
        }
        awaitWorkers();
        this.task = null;
        Throwable failure = callerFailure != null ? callerFailure : workerFailure;
        workerFailure = null;
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("a matmul worker failed", failure);
        }
    }

    private void awaitWorkers() {
        long deadline = System.nanoTime() + CALLER_SPIN_NANOS;
        while (remaining.get() != 0) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
    }

    private void workLoop(int part) {
        long seen = 0;
        while (true) {
            long current;
            long deadline = System.nanoTime() + WORKER_SPIN_NANOS;
            while ((current = generation) == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this); // the caller unparks after bumping the generation: no lost wakeup
                }
            }
            seen = current;
            try {
                task.runPart(part, workers.length + 1);
            } catch (Throwable t) {
                workerFailure = t;
            }
            Thread waiting = caller;
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(waiting);
            }
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
