package dev.lorafoundry.model.kernel;

/** A piece of work split into {@code parts} independent parts (chunks) that may run on different threads. */
@FunctionalInterface
interface PartitionedTask {
    void runPart(int part, int parts);
}
