package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * What MATERIALIZE runs record: {@value #DURATION}{@code {view, outcome}} (outcome {@code complete}
 * or {@code failed}) and {@value #ROWS}{@code {view}}, the records written by complete runs. Runs
 * are rare, so meters are looked up per run.
 */
public final class MaterializationMetrics {
    public static final String DURATION = "asof.materialization.duration";
    public static final String ROWS = "asof.materialization.rows";

    private final MeterRegistry registry;

    public MaterializationMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /** A run of {@code view} that completed after {@code duration}, having written {@code rows} records. */
    public void completed(String view, Duration duration, long rows) {
        timer(view, "complete").record(duration);
        Counter.builder(ROWS).description("Online records written by complete materialization runs")
                .tag("view", view).register(registry).increment(rows);
    }

    /** A run of {@code view} that failed or was cancelled after {@code duration}. */
    public void failed(String view, Duration duration) {
        timer(view, "failed").record(duration);
    }

    private Timer timer(String view, String outcome) {
        return Timer.builder(DURATION).description("MATERIALIZE runs, by view and outcome")
                .tag("view", view).tag("outcome", outcome).serviceLevelObjectives(MetricBuckets.LATENCY)
                .register(registry);
    }
}
