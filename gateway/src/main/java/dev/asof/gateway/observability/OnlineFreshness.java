package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@value #FRESHNESS}{@code {view}}: per ONLINE feature view, the gateway's now minus the newest
 * event time visible online (the newest event any complete MATERIALIZE run of the view's current
 * definition wrote, from the materialization log), in seconds. A view with no complete run has no
 * series. {@link #refresh()} reads the registry; the metrics endpoint calls it before each scrape.
 */
public final class OnlineFreshness {
    public static final String FRESHNESS = "asof.online.freshness";

    private final Registry registry;
    private final Clock clock;
    private final MultiGauge gauge;

    /** @param clock the gateway's "now" (the one lookups apply TTLs at) */
    public OnlineFreshness(Registry registry, Clock clock, MeterRegistry meters) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        this.gauge = MultiGauge.builder(FRESHNESS).baseUnit("seconds")
                .description("Now minus the newest event time visible online, per ONLINE feature view")
                .register(meters);
    }

    /** Re-reads the ONLINE views and their newest events, and replaces the gauge's series. */
    public void refresh() {
        gauge.register(rows(), true);
    }

    private List<MultiGauge.Row<?>> rows() {
        Map<Long, Instant> newest = registry.materializations().newestEvents();
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (CatalogObject o : registry.objects()) {
            if (!(o instanceof FeatureView view) || !view.online()) {
                continue;
            }
            Optional<Instant> event = registry.objectId(view.name()).map(newest::get);
            event.ifPresent(e -> rows.add(MultiGauge.Row.of(Tags.of("view", view.name()),
                    Duration.between(e, now).toNanos() / 1e9)));
        }
        return rows;
    }
}
