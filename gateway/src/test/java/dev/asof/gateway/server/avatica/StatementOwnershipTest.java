package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.connector.rocksdb.RocksDbOnlineStore;
import dev.asof.gateway.TestUsers;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.online.OnlineServing;
import dev.asof.gateway.registry.Registry;
import dev.asof.planner.sql.DuckDbDialect;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.StubWarehouse;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * At the Avatica protocol level, two connections: statement ids are random, and one connection's
 * fetch, execute, sync, close or cancel of another's statement is refused as "no such statement"
 * (SQLSTATE 08003) while the owner's paused result stream still delivers every row.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatementOwnershipTest {
    private static final int ROWS = 25_000;

    private final AtomicInteger cancels = new AtomicInteger();
    private Registry registry;
    private OnlineServing online;
    private RequestIdentity identity;
    private AsofMeta meta;
    private AsofService service;

    @BeforeEach
    void start(@TempDir Path dir) {
        registry = Registry.open(dir);
        online = new OnlineServing(RocksDbOnlineStore.open(dir.resolve("online")), registry, new CountingWarehouse(),
                new DuckDbDialect(), java.time.Clock.systemUTC());
        identity = new RequestIdentity(TestUsers.authenticator(registry));
        meta = new AsofMeta(new StatementExecutor(registry, new CountingWarehouse(), online), identity);
        service = new AsofService(meta);
    }

    @AfterEach
    void stop() {
        meta.close();
        online.close();
        registry.close();
    }

    @Test
    void anotherConnectionCannotFetchCloseOrCancelAStatement() {
        // Served without HTTP: the calls run as the gateway's own admin, as a request's would as its user.
        identity.as(dev.asof.gateway.session.Principal.GATEWAY, () -> {
            anotherConnectionCannotFetchCloseOrCancelAStatementAsCaller();
            return null;
        });
    }

    private void anotherConnectionCannotFetchCloseOrCancelAStatementAsCaller() {
        service.apply(new Service.OpenConnectionRequest("owner-uuid", Map.of()));
        service.apply(new Service.OpenConnectionRequest("attacker-uuid", Map.of()));
        int owned = service.apply(new Service.CreateStatementRequest("owner-uuid")).statementId;
        Service.ExecuteResponse first = service.apply(new Service.PrepareAndExecuteRequest("owner-uuid", owned,
                "SELECT CAST(1 AS BIGINT) AS n", -1, -1));
        long delivered = first.results.get(0).firstFrame.rows.spliterator().getExactSizeIfKnown();
        assertThat(delivered).isGreaterThan(0).isLessThan(ROWS);
        assertThat(first.results.get(0).firstFrame.done).isFalse();

        // The attacker names the owner's statement under its own connection id, and under the owner's.
        for (String as : List.of("attacker-uuid", "some-other-uuid")) {
            assertRefused(() -> service.apply(new Service.FetchRequest(as, owned, delivered, 5_000)));
            assertRefused(() -> service.apply(new Service.CloseStatementRequest(as, owned)));
            assertRefused(() -> service.apply(new Service.SyncResultsRequest(as, owned, null, 0)));
            assertRefused(() -> service.apply(new Service.PrepareAndExecuteRequest(as, owned, "SELECT 2", -1, -1)));
        }
        assertThat(cancels).hasValue(0);

        // The owner still gets every row.
        long offset = delivered;
        boolean done = false;
        while (!done) {
            Service.FetchResponse f = service.apply(new Service.FetchRequest("owner-uuid", owned, offset, 10_000));
            for (Object row : f.frame.rows) {
                assertThat(row).isNotNull();
                offset++;
            }
            done = f.frame.done;
        }
        assertThat(offset).isEqualTo(ROWS);
        service.apply(new Service.CloseStatementRequest("owner-uuid", owned));
    }

    @Test
    void statementIdsAreNotSequentialAndConnectionIdsCannotBeTakenOver() {
        // Served without HTTP: the calls run as the gateway's own admin, as a request's would as its user.
        identity.as(dev.asof.gateway.session.Principal.GATEWAY, () -> {
            statementIdsAreNotSequentialAndConnectionIdsCannotBeTakenOverAsCaller();
            return null;
        });
    }

    private void statementIdsAreNotSequentialAndConnectionIdsCannotBeTakenOverAsCaller() {
        service.apply(new Service.OpenConnectionRequest("c", Map.of()));
        Set<Integer> ids = new HashSet<>();
        int previous = -1;
        int consecutive = 0;
        for (int i = 0; i < 50; i++) {
            int id = service.apply(new Service.CreateStatementRequest("c")).statementId;
            assertThat(ids.add(id)).isTrue();
            consecutive += id == previous + 1 ? 1 : 0;
            previous = id;
        }
        assertThat(consecutive).isLessThan(3);
        AvaticaRuntimeException e = catchThrowableOfType(
                () -> service.apply(new Service.OpenConnectionRequest("c", Map.of())), AvaticaRuntimeException.class);
        assertThat(e).isNotNull();
        // The live connection still works.
        assertThat(service.apply(new Service.CreateStatementRequest("c")).statementId).isNotIn(ids);
    }

    /**
     * An id that names no live statement (here: closed, as the driver's cancel closes it) is
     * Avatica's "missing statement", to which its client answers by re-creating the statement and
     * running the request again: a cancelled {@code Statement} stays usable.
     */
    @Test
    void anUnknownStatementIdIsMissingSoThatTheClientRecreatesIt() {
        identity.as(dev.asof.gateway.session.Principal.GATEWAY, () -> {
            service.apply(new Service.OpenConnectionRequest("c", Map.of()));
            int id = service.apply(new Service.CreateStatementRequest("c")).statementId;
            service.apply(new Service.CloseStatementRequest("c", id));
            assertThat(service.apply(new Service.PrepareAndExecuteRequest("c", id, "SELECT 1", -1, -1))
                    .missingStatement).isTrue();
            assertThat(service.apply(new Service.FetchRequest("c", id, 0, 10)).missingStatement).isTrue();
            // a new statement on the same connection runs
            int next = service.apply(new Service.CreateStatementRequest("c")).statementId;
            assertThat(service.apply(new Service.PrepareAndExecuteRequest("c", next, "SELECT 1", -1, -1))
                    .results).hasSize(1);
            return null;
        });
    }

    private static void assertRefused(Runnable request) {
        AvaticaRuntimeException e = catchThrowableOfType(request::run, AvaticaRuntimeException.class);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getSqlState()).isEqualTo("08003");
        assertThat(e.getErrorMessage()).contains("no such statement");
    }

    /** Answers every query with {@link #ROWS} rows of one BIGINT; counts cancels. */
    private final class CountingWarehouse extends StubWarehouse {
        CountingWarehouse() {
            super("memory", new DuckDbDialect());
        }

        @Override
        public List<ColumnMetadata> describeQuery(String sql) {
            return List.of(ColumnMetadata.of("n", JDBCType.BIGINT));
        }

        @Override
        public RowCursor executeQuery(String sql, List<Object> parameters, QueryControl control) {
            control.onCancel(cancels::incrementAndGet);
            return new RowCursor() {
                private long next;

                @Override
                public List<ColumnMetadata> columns() {
                    return List.of(ColumnMetadata.of("n", JDBCType.BIGINT));
                }

                @Override
                public boolean next() {
                    return next++ < ROWS;
                }

                @Override
                public Object value(int index) {
                    return next;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public long executeUpdate(String sql, QueryControl control) {
            return 0;
        }
    }
}
