package dev.asof.gateway.observability;

import java.time.Duration;

/**
 * The latency buckets every asof timer publishes (Prometheus histogram {@code le} bounds, in
 * seconds): from 100 µs for online lookups to 10 minutes for extracts and materializations. A fixed
 * short list keeps the series per timer few (Micrometer's percentile histogram would add ~70).
 */
final class MetricBuckets {
    static final Duration[] LATENCY = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10),
    };

    private MetricBuckets() {}
}
