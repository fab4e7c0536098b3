package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link AuthorizationSuite} on the embedded engine, plus DuckDB's ways to reach files. */
class DuckDbAuthorizationTest extends AuthorizationSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @TempDir
    Path tmp;

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }

    @Test
    void fileNetworkAndSettingProbesAreRefusedAndWriteNothing() throws Exception {
        Path secret = tmp.resolve("secret.csv");
        Files.writeString(secret, "a,b\n1,2\n");
        Path out = Files.createDirectories(tmp.resolve("out"));
        try (Connection admin = connect()) {
            String schema = createSchema(admin);
            String labels = createLabels(admin, schema, "labels", List.of(new Lbl(1, 1L, ts("2025-01-05"))));
            String user = unique("u");
            exec(admin, "CREATE USER " + user + " PASSWORD 'pw-" + user + "'");
            exec(admin, "GRANT SELECT ON TABLE " + labels + " TO " + user);
            java.util.Properties p = new java.util.Properties();
            p.setProperty("user", user);
            p.setProperty("password", "pw-" + user);
            try (Connection u = java.sql.DriverManager.getConnection(engine().jdbcUrl().replaceAll("[?&]user=.*$", ""), p)) {
                for (String probe : List.of(
                        "COPY (SELECT 1) TO '" + out.resolve("copy.csv") + "'",
                        "EXPORT DATABASE '" + out.resolve("export") + "'",
                        "CREATE TABLE " + schema + ".stolen AS SELECT * FROM read_csv('" + secret + "')",
                        "ATTACH '" + out.resolve("other.duckdb") + "' AS other",
                        "DETACH lake",
                        "INSTALL httpfs",
                        "LOAD httpfs",
                        "SELECT * FROM TABLE(read_csv('" + secret + "'))",
                        "SELECT * FROM TABLE(read_parquet('" + secret + "'))",
                        "SELECT * FROM TABLE(glob('" + tmp + "/*'))",
                        "SELECT read_text('" + secret + "') FROM " + labels,
                        "SELECT read_blob('" + secret + "') FROM " + labels,
                        "SELECT getenv('HOME') FROM " + labels,
                        "SELECT current_setting('threads') FROM " + labels,
                        "SELECT * FROM TABLE(duckdb_settings())",
                        "SELECT * FROM TABLE(sniff_csv('" + secret + "'))",
                        "SELECT * FROM TABLE(query('SELECT 1'))")) {
                    SQLException e = expectError(u, probe);
                    assertThat(e.getSQLState()).as("%s: %s", probe, e.getMessage()).isEqualTo("42501");
                }
                assertUsable(u);
            }
            try (var files = Files.list(out)) {
                assertThat(files.toList()).isEmpty();
            }
            assertThat(query(admin, "SELECT count(*) FROM " + labels)).containsExactly(row(1L));
        }
    }
}
