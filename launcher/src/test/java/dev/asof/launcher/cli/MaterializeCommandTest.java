package dev.asof.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.ForwardingOnlineStore;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.warehouse.QueryControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code asof materialize}: progress while the run goes, a summary at the end, one-line errors. */
class MaterializeCommandTest {
    @TempDir
    Path dir;

    @Test
    void showsProgressThenTheSummary() {
        // Each store write takes 300 ms, so a 20-chunk run lasts long enough to be watched (the
        // first system-table query of a gateway compiles its plan, which takes a second or two).
        try (AsofGateway gateway = AsofGateway.start(GatewayConfig.embedded(dir).withAdmin("admin", "admin-test-password"), SlowStore::new)) {
            StatementExecutor executor = gateway.executor();
            for (String sql : List.of(
                    "CREATE TABLE lake.main.t AS SELECT i AS k, i * 2 AS v, TIMESTAMP '2025-01-01 00:00:00' AS e"
                            + " FROM range(20000) r(i)",
                    "CREATE ENTITY thing (k BIGINT)",
                    "CREATE SOURCE t FROM TABLE lake.main.t EVENT TIME e",
                    "CREATE FEATURE VIEW thing_v ENTITY thing FROM t AS SELECT k, v ONLINE")) {
                StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
                if (r instanceof StatementResult.Rows rows) {
                    rows.cursor().close();
                }
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = AsofCli.run(new String[] {"materialize", "thing_v", gateway.jdbcUrl(), "--user", "admin",
                    "--password", "admin-test-password"},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("thing_v: run 1 complete, 20,000 row(s) written");
            assertThat(err.toString()).containsPattern("thing_v run 1: [0-9,]+ / 20,000 rows \\(\\d+%\\)");

            StringWriter err2 = new StringWriter();
            int bad = AsofCli.run(new String[] {"materialize", "thing_w", gateway.jdbcUrl(), "--user", "admin",
                    "--password", "admin-test-password"},
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true));
            assertThat(bad).isEqualTo(1);
            assertThat(err2.toString().trim()).isEqualTo("asof: line 1, column 13: feature view 'thing_w' not found;"
                    + " did you mean 'thing_v'?");
        }
    }

    @Test
    void withoutCredentialsSaysHowToLogIn() {
        try (AsofGateway gateway = AsofGateway.start(GatewayConfig.embedded(dir).withAdmin("admin", "admin-test-password"))) {
            StringWriter err = new StringWriter();
            int code = AsofCli.run(new String[] {"materialize", "thing_v", gateway.jdbcUrl()},
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("authentication required").contains("--user");
            StringWriter wrong = new StringWriter();
            int refused = AsofCli.run(new String[] {"materialize", "thing_v", gateway.jdbcUrl(), "--user", "admin",
                    "--password", "nope"}, new PrintWriter(new StringWriter(), true), new PrintWriter(wrong, true));
            assertThat(refused).isEqualTo(1);
            assertThat(wrong.toString()).contains("authentication failed: unknown user or wrong password");
        }
    }

    /** A store whose writes take 300 ms. */
    private static final class SlowStore extends ForwardingOnlineStore {
        SlowStore(OnlineStore store) {
            super(store);
        }

        @Override
        public void putAll(List<OnlineRecord> records) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.putAll(records);
        }

        @Override
        public boolean[] putAllIfUnchanged(List<ConditionalWrite> writes) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.putAllIfUnchanged(writes);
        }
    }
}
