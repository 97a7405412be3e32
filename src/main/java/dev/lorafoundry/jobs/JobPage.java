package dev.lorafoundry.jobs;

import java.util.List;

/** One page of a newest-first listing, and whether older items follow. */
public record JobPage<T>(List<T> items, boolean hasMore) {}
