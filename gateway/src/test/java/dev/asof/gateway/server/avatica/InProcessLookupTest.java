package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.online.OnlineStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepared online lookups on an in-process store run on the JDBC endpoint's event loop, with the
 * values of any other path; everything else (a view not materialized yet, a store that is not in
 * process, a caller whose password changed) still goes to the request threads and is answered as
 * before.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS) // generous: a shared build machine may be very slow
class InProcessLookupTest {
    private static final String LOOKUP = "SELECT customer_id, segment, score FROM customer_profile WHERE customer_id = ?";

    @TempDir
    Path dir;

    private AsofGateway gateway;
    /** The thread of each store read of a lookup, in order. */
    private final List<String> readThreads = new CopyOnWriteArrayList<>();

    private void start(boolean inProcess) throws SQLException {
        gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir.resolve("data"))),
                store -> new ThreadRecordingStore(store, inProcess, readThreads), Map.of());
        try (Connection admin = TestUsers.connect(gateway.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, score DOUBLE, ts TIMESTAMP)");
            s.execute("INSERT INTO lake.main.profile VALUES (1, 'a', 1.5, TIMESTAMP '2025-02-20 00:00:00'),"
                    + " (1, 'b', 2.5, TIMESTAMP '2025-02-25 00:00:00'), (2, 'c', 3.5, TIMESTAMP '2025-02-26 00:00:00')");
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
            s.execute("CREATE FEATURE VIEW customer_profile ENTITY customer FROM profile"
                    + " AS SELECT customer_id, segment, score ONLINE");
        }
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void materializedLookupsRunOnTheEventLoopWithTheSameValues() throws Exception {
        start(true);
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            // Not materialized: the warehouse answers, on a request thread; the store is not read.
            assertThat(lookup(ps, 1)).containsExactly(List.of(1L, "b", 2.5));
            assertThat(readThreads).isEmpty();

            try (Statement s = c.createStatement()) {
                s.execute("MATERIALIZE customer_profile");
            }
            assertThat(lookup(ps, 1)).containsExactly(List.of(1L, "b", 2.5));
            assertThat(lookup(ps, 2)).containsExactly(List.of(2L, "c", 3.5));
            assertThat(lookup(ps, 3)).isEmpty();
            assertThat(readThreads).hasSize(3).allSatisfy(t -> assertThat(t).startsWith("asof-jdbc-io"));

        }
    }

    @Test
    void aStoreThatIsNotInProcessIsReadOnRequestThreads() throws Exception {
        start(false);
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); PreparedStatement ps = c.prepareStatement(LOOKUP)) {
            try (Statement s = c.createStatement()) {
                s.execute("MATERIALIZE customer_profile");
            }
            assertThat(lookup(ps, 1)).containsExactly(List.of(1L, "b", 2.5));
            assertThat(lookup(ps, 2)).containsExactly(List.of(2L, "c", 3.5));
            assertThat(readThreads).hasSize(2).allSatisfy(t -> assertThat(t).startsWith("asof-jdbc-request"));
        }
    }

    /**
     * The event loop serves only callers whose password was verified lately: once a user's password
     * changes, an open connection's lookups (which present the old one) are refused, not served
     * from the event loop, and the user's new password works.
     */
    @Test
    void aChangedPasswordIsRefusedOnTheFastPathToo() throws Exception {
        start(true);
        try (Connection admin = TestUsers.connect(gateway.jdbcUrl()); Statement s = admin.createStatement()) {
            s.execute("MATERIALIZE customer_profile");
            s.execute("CREATE USER bob PASSWORD 'bob-pw-1'");
            s.execute("GRANT SELECT ON FEATURE VIEW customer_profile TO bob");
            Connection bob = connect("bob", "bob-pw-1");
            try {
                PreparedStatement ps = bob.prepareStatement(LOOKUP);
                assertThat(lookup(ps, 1)).containsExactly(List.of(1L, "b", 2.5));
                assertThat(lastRead()).startsWith("asof-jdbc-io");
                int reads = readThreads.size();

                s.execute("ALTER USER bob PASSWORD 'bob-pw-2'");
                SQLException stale = assertThrows(SQLException.class, () -> lookup(ps, 1));
                assertThat(stateOf(stale)).isEqualTo("28P01");
                assertThat(readThreads).hasSize(reads);
            } finally {
                bob.close(); // with the old password: the gateway refuses that too, and the close says nothing
            }
            try (Connection bobAgain = connect("bob", "bob-pw-2"); PreparedStatement ps = bobAgain.prepareStatement(LOOKUP)) {
                assertThat(lookup(ps, 2)).containsExactly(List.of(2L, "c", 3.5));
            }
            // A grant revoked after prepare: the next lookup on the event loop is refused.
            s.execute("CREATE USER carol PASSWORD 'carol-pw'");
            s.execute("GRANT SELECT ON FEATURE VIEW customer_profile TO carol");
            try (Connection carol = connect("carol", "carol-pw"); PreparedStatement ps = carol.prepareStatement(LOOKUP)) {
                assertThat(lookup(ps, 2)).containsExactly(List.of(2L, "c", 3.5));
                assertThat(lastRead()).startsWith("asof-jdbc-io");
                s.execute("REVOKE SELECT ON FEATURE VIEW customer_profile FROM carol");
                SQLException denied = assertThrows(SQLException.class, () -> lookup(ps, 2));
                assertThat(stateOf(denied)).isEqualTo("42501");
            }
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(gateway.jdbcUrl(), p);
    }

    private static List<List<Object>> lookup(PreparedStatement ps, long key) throws SQLException {
        ps.setLong(1, key);
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(List.of(rs.getObject(1), rs.getObject(2), rs.getObject(3)));
            }
        }
        return rows;
    }

    private String lastRead() {
        return readThreads.get(readThreads.size() - 1);
    }

    private static String stateOf(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** Records the thread of every lookup's store read; says whether it reads in process as told. */
    private static final class ThreadRecordingStore extends ForwardingOnlineStore {
        private final boolean inProcess;
        private final List<String> threads;

        ThreadRecordingStore(OnlineStore store, boolean inProcess, List<String> threads) {
            super(store);
            this.inProcess = inProcess;
            this.threads = threads;
        }

        @Override
        public <T> List<T> readAll(List<byte[]> keys, ValueReader<T> reader) {
            threads.add(Thread.currentThread().getName());
            return super.readAll(keys, reader);
        }

        @Override
        public boolean readsInProcess() {
            return inProcess;
        }
    }
}
