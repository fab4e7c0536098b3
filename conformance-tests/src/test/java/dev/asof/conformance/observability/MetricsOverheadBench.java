package dev.asof.conformance.observability;

import dev.asof.gateway.observability.MeteredOnlineStore;
import dev.asof.gateway.observability.StatementMetrics;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B verify -Pbench -pl conformance-tests -am -Dtest=MetricsOverheadBench}):
 * what the metrics add to one online lookup, in-process, one thread: the statement timer (by route
 * and protocol), the lookup counter, and the online store wrapper's timer around a get that does
 * nothing, against the same get unwrapped. Prints ns per lookup.
 */
class MetricsOverheadBench {
    private static final int WARMUP = 2_000_000;
    private static final int ROUNDS = 5;
    private static final int N = 5_000_000;

    /** A store whose get returns at once: only the wrapper's cost is left. */
    private static final class NothingStore implements OnlineStore {
        private final List<byte[]> answer = new ArrayList<>(List.of(new byte[8]));

        @Override
        public String storeName() {
            return "nothing";
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            return answer;
        }

        @Override
        public void putAll(List<OnlineRecord> records) {}

        @Override
        public void deleteAll(List<byte[]> keys) {}

        @Override
        public void close() {}
    }

    @Test
    void recordingALookup() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StatementMetrics metrics = new StatementMetrics(meters);
        OnlineStore plain = new NothingStore();
        OnlineStore metered = new MeteredOnlineStore(new NothingStore(), meters);
        List<byte[]> keys = List.of(new byte[16]);
        long sink = 0;
        for (int i = 0; i < WARMUP; i++) {
            sink += lookup(plain, null, keys) + lookup(metered, metrics, keys);
        }
        List<String> lines = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                sink += lookup(plain, null, keys);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                sink += lookup(metered, metrics, keys);
            }
            long t2 = System.nanoTime();
            lines.add(String.format(Locale.ROOT, "round %d: unmetered %6.1f ns/lookup, metered %6.1f ns/lookup",
                    round, (t1 - t0) / (double) N, (t2 - t1) / (double) N));
        }
        System.out.println("\nBENCH metrics overhead per online lookup (in-process, 1 thread), sink " + (sink & 1) + ":");
        lines.forEach(System.out::println);
    }

    /** What StatementExecutor and the store wrapper do per lookup, minus the lookup itself. */
    private static int lookup(OnlineStore store, StatementMetrics metrics, List<byte[]> keys) {
        long start = System.nanoTime();
        int n = store.getAll(keys).size();
        if (metrics != null) {
            metrics.lookup(true);
            metrics.executed("online", "jdbc", System.nanoTime() - start);
        }
        return n;
    }
}
