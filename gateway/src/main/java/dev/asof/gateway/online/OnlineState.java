package dev.asof.gateway.online;

import dev.asof.gateway.registry.MaterializationLog;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which runs lookups serve, per view definition: read from the materialization log once, then
 * kept in memory and replaced as runs of this gateway complete or fail, so a lookup reads no
 * database; forgotten when another gateway sharing the registry changes it.
 */
final class OnlineState {
    private final MaterializationLog log;
    private final ConcurrentMap<Long, ViewRuns> views = new ConcurrentHashMap<>();

    OnlineState(MaterializationLog log) {
        this.log = log;
    }

    ViewRuns runs(long viewId) {
        ViewRuns cached = views.get(viewId);
        return cached != null ? cached : views.computeIfAbsent(viewId, this::load);
    }

    /** The view's runs if they are in memory already; null when {@link #runs} would read the log. */
    ViewRuns cachedRuns(long viewId) {
        return views.get(viewId);
    }

    /** Reads the view's runs from the log again (another gateway may have completed one). */
    ViewRuns reload(long viewId) {
        ViewRuns fresh = load(viewId);
        views.put(viewId, fresh);
        return fresh;
    }

    /** Forgets every view's runs, to be read from the log at the next lookup: another gateway changed them. */
    void forgetAll() {
        views.clear();
    }

    void completed(long viewId, long runId, Instant asOf) {
        views.compute(viewId, (id, current) -> {
            ViewRuns r = current != null ? current : load(id);
            Set<Long> failed = new HashSet<>(r.failedRuns());
            failed.remove(runId);
            return new ViewRuns(Math.max(r.committedRun(), runId), Optional.of(asOf), failed);
        });
    }

    void failed(long viewId, long runId) {
        views.compute(viewId, (id, current) -> {
            ViewRuns r = current != null ? current : load(id);
            Set<Long> failed = new HashSet<>(r.failedRuns());
            failed.add(runId);
            return new ViewRuns(r.committedRun(), r.watermark(), failed);
        });
    }

    private ViewRuns load(long viewId) {
        long committed = 0;
        Optional<Instant> watermark = Optional.empty();
        Set<Long> failed = new HashSet<>();
        for (MaterializationLog.Run run : log.runs(viewId)) {
            switch (run.status()) {
                case COMPLETE -> {
                    committed = run.runId();
                    watermark = Optional.of(run.asOf());
                }
                case FAILED -> failed.add(run.runId());
                // Running now, so newer than every complete run: not served until it completes.
                case RUNNING -> { }
            }
        }
        return new ViewRuns(committed, watermark, failed);
    }
}
