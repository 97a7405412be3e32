package dev.lorafoundry.files;

import java.util.List;

/** One page of a file listing, and whether more files follow it in the same order. */
public record FilePage(List<FileObject> files, boolean hasMore) {}
