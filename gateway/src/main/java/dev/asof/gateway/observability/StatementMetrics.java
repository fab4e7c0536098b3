package dev.asof.gateway.observability;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What {@code StatementExecutor} records per statement. Meters are resolved once per (route,
 * protocol), SQLSTATE or protocol and then looked up without allocating, so that an online lookup
 * pays a map read and a histogram update.
 *
 * <ul>
 *   <li>{@value #DURATION}{@code {route, protocol}}: from the start of an execution until its result
 *       is ready (for rows: the first rows can be read; the client's fetching is not counted)
 *   <li>{@value #ERRORS}{@code {sqlstate}}: statements that failed while planned, executed or read
 *   <li>{@value #LOOKUPS}{@code {answered_by}}: online lookups, {@code online_store} or
 *       {@code warehouse} (a view without a complete materialization)
 *   <li>{@value #ROWS}{@code {protocol}}: result rows handed to clients
 *   <li>{@value #RUNNING}: statements running now; {@value #SESSIONS}{@code {protocol}}: open JDBC
 *       connections and Flight SQL sessions
 * </ul>
 */
public final class StatementMetrics {
    public static final String DURATION = "asof.statement.duration";
    public static final String ERRORS = "asof.statement.errors";
    public static final String LOOKUPS = "asof.online.lookups";
    public static final String ROWS = "asof.rows.streamed";
    public static final String RUNNING = "asof.statements.running";
    public static final String SESSIONS = "asof.sessions.active";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, ConcurrentMap<String, Timer>> durations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> rows = new ConcurrentHashMap<>();
    private final Counter lookupsFromStore;
    private final Counter lookupsFromWarehouse;

    public StatementMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
        this.lookupsFromStore = lookups("online_store");
        this.lookupsFromWarehouse = lookups("warehouse");
    }

    private Counter lookups(String answeredBy) {
        return Counter.builder(LOOKUPS).description("Online lookups, by what answered them")
                .tag("answered_by", answeredBy).register(registry);
    }

    /** The registry these meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Records one execution of a statement of {@code route} over {@code protocol} that took {@code nanos}. */
    public void executed(String route, String protocol, long nanos) {
        timer(route, protocol).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String route, String protocol) {
        ConcurrentMap<String, Timer> byRoute = durations.get(protocol);
        if (byRoute == null) {
            byRoute = durations.computeIfAbsent(protocol, p -> new ConcurrentHashMap<>());
        }
        Timer t = byRoute.get(route);
        return t != null ? t : byRoute.computeIfAbsent(route, r -> Timer.builder(DURATION)
                .description("Statement execution time until its result is ready, by route and protocol")
                .tag("route", r).tag("protocol", protocol)
                .serviceLevelObjectives(MetricBuckets.LATENCY)
                .register(registry));
    }

    /** Counts a failed statement under its SQLSTATE ({@code code}'s). */
    public void failed(ErrorCode code) {
        String state = code.sqlState();
        Counter c = errors.get(state);
        if (c == null) {
            c = errors.computeIfAbsent(state, s -> Counter.builder(ERRORS)
                    .description("Failed statements, by the SQLSTATE the client got").tag("sqlstate", s)
                    .register(registry));
        }
        c.increment();
    }

    /** Counts an online lookup: answered by the online store, or by the warehouse before the view's first run. */
    public void lookup(boolean fromStore) {
        (fromStore ? lookupsFromStore : lookupsFromWarehouse).increment();
    }

    /** Counts {@code n} result rows sent over {@code protocol} (for results not read through {@link #counting}). */
    public void rowsStreamed(String protocol, long n) {
        rowCounter(protocol).increment(n);
    }

    private Counter rowCounter(String protocol) {
        Counter c = rows.get(protocol);
        return c != null ? c : rows.computeIfAbsent(protocol, p -> Counter.builder(ROWS)
                .description("Result rows handed to clients, by protocol").tag("protocol", p).register(registry));
    }

    /** {@code cursor}, counting its rows into {@value #ROWS} when it is closed (one counter update per result). */
    public RowCursor counting(RowCursor cursor, String protocol) {
        return new CountingCursor(cursor, rowCounter(protocol));
    }

    /** Exposes the number of running statements as {@value #RUNNING} (the gauge holds {@code count}). */
    public void runningStatements(Supplier<Number> count) {
        Gauge.builder(RUNNING, count)
                .description("Statements running now (a streaming result counts until it is closed)")
                .register(registry);
    }

    /** Exposes the open sessions of {@code protocol} (JDBC connections, Flight SQL sessions) as {@value #SESSIONS}. */
    public void sessions(String protocol, Supplier<Number> count) {
        Gauge.builder(SESSIONS, count)
                .description("Open client sessions (JDBC connections, Flight SQL sessions), by protocol")
                .tag("protocol", protocol).register(registry);
    }

    /** Counts rows as they are read; adds them to the counter once, at close. */
    private static final class CountingCursor implements RowCursor {
        private final RowCursor delegate;
        private final Counter counter;
        private long rows;
        private boolean closed;

        CountingCursor(RowCursor delegate, Counter counter) {
            this.delegate = delegate;
            this.counter = counter;
        }

        @Override
        public List<ColumnMetadata> columns() {
            return delegate.columns();
        }

        @Override
        public boolean next() {
            boolean more = delegate.next();
            if (more) {
                rows++;
            }
            return more;
        }

        @Override
        public Object value(int index) {
            return delegate.value(index);
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } finally {
                if (!closed) {
                    closed = true;
                    counter.increment(rows);
                }
            }
        }
    }
}
