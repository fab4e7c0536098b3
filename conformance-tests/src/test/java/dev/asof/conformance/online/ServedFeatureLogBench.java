package dev.asof.conformance.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.PreparedQuery;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test; {@code mvn -B verify -Pbench -DskipITs -pl conformance-tests -am
 * -Dtest=ServedFeatureLogBench -Dsurefire.failIfNoSpecifiedTests=false}): the online lookup of
 * {@link OnlineLookupBench} (one view of 50 features, 10,000 keys, RocksDB, one client thread) with
 * served-feature logging off and at LOG SAMPLE 0.01, in the same run, rounds interleaved so that
 * both see the same machine load; through the JDBC driver and in-process through the executor
 * (no protocol: the lookup path alone). A last in-process row logs every lookup (LOG SAMPLE 1) to
 * show that lookups do not wait on the log when it cannot keep up: the excess is dropped and counted.
 */
class ServedFeatureLogBench {
    private static final int ROUNDS = 4;

    @Test
    void loggingAtOnePercentAgainstOff() throws Exception {
        Path dir = Files.createTempDirectory("asof-log-bench");
        try (AsofGateway gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dir)));
                Connection c = DriverManager.getConnection(TestCredentials.url(gateway.jdbcUrl()))) {
            OnlineLookupBench.setUp(c);
            String sql = "SELECT * FROM bench_wide WHERE k = ?";
            String url = TestCredentials.url(gateway.jdbcUrl());
            StatementExecutor executor = gateway.executor();
            PreparedQuery prepared = executor.prepare(sql);

            Map<String, List<OnlineLookupBench.Result>> results = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (String sample : List.of("0", "0.01")) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ALTER FEATURE VIEW bench_wide SET LOG SAMPLE " + sample);
                    }
                    record(results, "JDBC, LOG SAMPLE " + sample,
                            OnlineLookupBench.jdbc(url, sql, 1, OnlineLookupBench.KEYS));
                    record(results, "in-process, LOG SAMPLE " + sample, inProcess(executor, prepared));
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("ALTER FEATURE VIEW bench_wide SET LOG SAMPLE 1");
            }
            record(results, "in-process, LOG SAMPLE 1", inProcess(executor, prepared));
            Counter dropped = gateway.meters().find("asof.feature.log.dropped").counter();
            Counter written = gateway.meters().find("asof.feature.log.written").counter();
            assertThat(dropped).isNotNull();

            System.out.println("\nBENCH served-feature logging, 1 view x 50 features, RocksDB, 1 client thread, "
                    + ROUNDS + " interleaved rounds of each (the first round is warm-up and not counted):");
            System.out.println(String.format(Locale.ROOT, "%-30s %8s %8s %9s %12s", "path", "p50 µs", "p99 µs",
                    "p99.9 µs", "lookups/s"));
            results.forEach((name, rounds) -> {
                List<OnlineLookupBench.Result> counted = rounds.subList(rounds.size() > 1 ? 1 : 0, rounds.size());
                long[] all = counted.stream().flatMapToLong(r -> java.util.Arrays.stream(r.nanos())).sorted().toArray();
                double seconds = counted.stream().mapToDouble(r -> r.nanos().length / r.perSecond()).sum();
                System.out.println(String.format(Locale.ROOT, "%-30s %8.1f %8.1f %9.1f %12.0f", name,
                        OnlineLookupBench.pct(all, 0.5) / 1e3, OnlineLookupBench.pct(all, 0.99) / 1e3,
                        OnlineLookupBench.pct(all, 0.999) / 1e3, all.length / seconds));
            });
            System.out.println(String.format(Locale.ROOT, "log: %.0f lookups written, %.0f dropped",
                    written.count(), dropped.count()));
        }
    }

    private static void record(Map<String, List<OnlineLookupBench.Result>> results, String name,
            OnlineLookupBench.Result r) {
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }

    private static OnlineLookupBench.Result inProcess(StatementExecutor executor, PreparedQuery prepared) throws Exception {
        return OnlineLookupBench.run(1, () -> key -> {
            StatementResult r = executor.execute(prepared, List.of(key % OnlineLookupBench.KEYS), QueryControl.none());
            try (RowCursor cursor = ((StatementResult.Rows) r).cursor()) {
                if (!cursor.next()) {
                    throw new IllegalStateException("no row for key " + key);
                }
                for (int i = 0; i < cursor.columns().size(); i++) {
                    cursor.value(i);
                }
            }
        });
    }
}
