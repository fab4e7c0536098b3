package dev.asof.gateway.quality;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gauges the monitoring statements set, per view and feature: {@code asof.skew.mismatch.rate}
 * (VALIDATE; Prometheus {@code asof_skew_mismatch_rate}), {@code asof.feature.drift.psi} and
 * {@code asof.feature.drift.flag} (ANALYZE … DRIFT; 1 when the PSI is above the view's threshold,
 * else 0). Each keeps the figure of the latest statement that computed it.
 */
final class QualityGauges {
    static final String MISMATCH_RATE = "asof.skew.mismatch.rate";
    static final String DRIFT_PSI = "asof.feature.drift.psi";
    static final String DRIFT_FLAG = "asof.feature.drift.flag";

    /** A gauge's current value; the registry reads it when scraped. */
    private static final class Value {
        private volatile double value;
    }

    private final MeterRegistry meters;
    private final Map<List<String>, Value> values = new ConcurrentHashMap<>();

    QualityGauges(MeterRegistry meters) {
        this.meters = requireNonNull(meters, "meters");
    }

    void set(String name, String view, String feature, double value) {
        values.computeIfAbsent(List.of(name, view, feature), k -> {
            Value v = new Value();
            Gauge.builder(name, v, x -> x.value).tags("view", view, "feature", feature).strongReference(true)
                    .register(meters);
            return v;
        }).value = value;
    }
}
