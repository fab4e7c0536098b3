package dev.asof.gateway.online;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What lookups may read of one view definition's online records: versions written by complete
 * runs, up to the newest one. Immutable; replaced when a run completes or fails.
 *
 * @param committedRun the newest complete run; 0 when none has completed
 * @param watermark the time the newest complete run computed the view as of
 * @param failedRuns runs that failed (their versions may still sit in records)
 */
record ViewRuns(long committedRun, Optional<Instant> watermark, Set<Long> failedRuns) {
    static final ViewRuns NONE = new ViewRuns(0, Optional.empty(), Set.of());

    ViewRuns {
        failedRuns = Set.copyOf(failedRuns);
    }

    /** True when lookups may read what run {@code runId} wrote. */
    boolean serves(long runId) {
        return runId <= committedRun && !failedRuns.contains(runId);
    }

    boolean hasCompleteRun() {
        return committedRun > 0;
    }
}
