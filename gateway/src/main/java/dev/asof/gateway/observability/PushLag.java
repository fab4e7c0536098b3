package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hook push ingestion sets: {@value #LAG}{@code {source}}, how far the ONLINE views fed by a
 * PUSH source are behind the rows acknowledged to clients, in seconds. Whoever applies pushed rows
 * calls {@link #set} after each batch (a cheap volatile write after the first call per source).
 */
public final class PushLag {
    public static final String LAG = "asof.push.lag";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, AtomicLong> nanos = new ConcurrentHashMap<>();

    public PushLag(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /**
     * Sets the lag of PUSH source {@code source}: the time between a row's acknowledgement (its
     * created time) and the moment lookups see it, for the newest row applied.
     */
    public void set(String source, Duration lag) {
        requireNonNull(lag, "lag");
        AtomicLong value = nanos.get(source);
        if (value == null) {
            value = nanos.computeIfAbsent(source, s -> {
                AtomicLong v = new AtomicLong();
                Gauge.builder(LAG, v, n -> n.get() / 1e9).description("Push ingestion lag, by PUSH source")
                        .baseUnit("seconds").tag("source", s).register(registry);
                return v;
            });
        }
        value.set(lag.toNanos());
    }
}
