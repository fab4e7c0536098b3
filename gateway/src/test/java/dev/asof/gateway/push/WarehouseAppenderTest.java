package dev.asof.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestStatements;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.catalog.Source;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.ForwardingWarehouseConnector;
import dev.asof.spi.warehouse.LoadMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender after a load that failed half-way, as a warehouse without transactions leaves one
 * (Trino commits each INSERT of a load on its own): the retry appends the rest, each row once,
 * because the table's greatest sequence is read again instead of the one known before the failure.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WarehouseAppenderTest {
    @TempDir
    Path dir;

    @Test
    void aRetryAfterAPartialLoadAppendsEachRowOnce() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))))) {
            StatementExecutor executor = gateway.executor();
            TestStatements.run(executor, Principal.GATEWAY,
                    "CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE, page VARCHAR) EVENT TIME ts PUSH");
            Source clicks = (Source) executor.registry().get("clicks").orElseThrow();
            // Appends the first half of the first load's rows, then fails, as a load whose second chunk failed.
            AtomicInteger failures = new AtomicInteger(1);
            ForwardingWarehouseConnector halfFailing = new ForwardingWarehouseConnector(executor.warehouse()) {
                @Override
                public long bulkLoad(TableName table, List<ColumnMetadata> columns, LoadMode mode, Iterator<Object[]> rows) {
                    if (mode != LoadMode.APPEND || failures.getAndDecrement() <= 0) {
                        return super.bulkLoad(table, columns, mode, rows);
                    }
                    List<Object[]> all = new ArrayList<>();
                    rows.forEachRemaining(r -> all.add(r.clone()));
                    super.bulkLoad(table, columns, mode, all.subList(0, all.size() / 2).iterator());
                    throw new ConnectorException("injected: the second half failed", null);
                }
            };
            // A second ingest path of its own (own log) over the same registry and warehouse table.
            try (PushIngest ingest = PushIngest.open(dir.resolve("second"), executor.registry(), halfFailing,
                    new CopyOnWriteArrayList<>(), Clock.systemUTC())) {
                List<Object[]> rows = new ArrayList<>();
                for (long user = 1; user <= 10; user++) {
                    rows.add(new Object[] {user, LocalDateTime.of(2025, 1, 1, 0, 0).plusMinutes(user), user * 1.5, "p" + user});
                }
                assertThat(ingest.push(clicks, rows).storedCount()).isEqualTo(10);
                assertThat(ingest.awaitAppended(60_000)).isTrue();
            }
            assertThat(failures.get()).as("the injected failure happened").isNegative();
            assertThat(TestStatements.rows(executor, Principal.GATEWAY,
                    "SELECT count(*), count(DISTINCT _seq), count(DISTINCT user_id) FROM lake.asof_push.clicks"))
                    .containsExactly(List.of(10L, 10L, 10L));
        }
    }
}
