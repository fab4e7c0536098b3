package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.launcher.demo.DemoScenario;
import dev.asof.gateway.execution.StatementExecutor;
import dev.asof.gateway.execution.StatementResult;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.RowCursor;
import dev.asof.spi.warehouse.QueryControl;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that has nothing but the driver jar: an embedded gateway with the demo installed in
 * this JVM, and a child JVM whose class path is only the shaded {@code asof-jdbc} jar plus one
 * client class compiled here ({@code --release 11}, against java.sql only). The child runs the
 * demo's PIT join of the label spine with both demo feature views; its rows must equal, row by
 * row, a brute-force answer computed in this JVM with plain warehouse SQL that spells the PIT rule
 * out by hand (no asof construct, so the gateway passes it through to DuckDB as written).
 *
 * <p>The driver jar is the {@code dev.asof:asof-jdbc} artifact on this module's test class path,
 * as Maven resolved it for this build: in a reactor build ({@code mvn verify} from the root) that
 * is {@code jdbc-driver/target/asof-jdbc-<version>.jar}, packaged and shaded earlier in the same
 * build. Failsafe runs this class after {@code package}, so it is the jar, not a classes folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DriverOnlyClientIT {
    private static final String CLIENT = "DemoQueryClient";

    /** The demo's sample query without its LIMIT: every label row (5,000, six labels twice). */
    static final String FULL_QUERY = """
            SELECT l.label_id, l.customer_id, l.event_ts, l.is_fraud,
                   p.country, p.segment, p.credit_limit,
                   t.last_amount, t.last_category
            FROM lake.ml.labels l
            LEFT JOIN customer_profile AS OF l.event_ts p ON p.customer_id = l.customer_id
            LEFT JOIN last_transaction AS OF l.event_ts t ON t.customer_id = l.customer_id
            ORDER BY l.label_id""";

    /**
     * The same answer by hand, for each spine row: the profile update with updated_ts <= event_ts
     * and loaded_at <= event_ts that has the greatest (updated_ts, loaded_at), kept only if
     * updated_ts >= event_ts - 180 days (TTL; no fallback to an older row); the transaction with
     * the greatest txn_ts <= event_ts, kept only if within 30 days. The demo data has no ties on
     * (customer, updated_ts) nor (customer, txn_ts) (checked below), so ORDER BY ... LIMIT 1 is
     * exact.
     */
    static final String BRUTE_FORCE = """
            SELECT l.label_id, l.customer_id, l.event_ts, l.is_fraud,
                   p.country, p.segment, p.credit_limit,
                   t.amount AS last_amount, t.merchant_category AS last_category
            FROM lake.ml.labels l
            LEFT JOIN LATERAL (
                SELECT u.country, u.segment, u.credit_limit, u.updated_ts
                FROM lake.crm.profile_updates u
                WHERE u.customer_id = l.customer_id
                  AND u.updated_ts <= l.event_ts
                  AND u.loaded_at <= l.event_ts
                ORDER BY u.updated_ts DESC, u.loaded_at DESC
                LIMIT 1) p ON p.updated_ts >= l.event_ts - INTERVAL '180' DAY
            LEFT JOIN LATERAL (
                SELECT x.amount, x.merchant_category, x.txn_ts
                FROM lake.sales.transactions x
                WHERE x.customer_id = l.customer_id
                  AND x.txn_ts <= l.event_ts
                ORDER BY x.txn_ts DESC
                LIMIT 1) t ON t.txn_ts >= l.event_ts - INTERVAL '30' DAY
            ORDER BY l.label_id""";

    private Path dataDir;
    private AsofGateway gateway;

    @BeforeAll
    void startGateway(@TempDir Path tmp) {
        dataDir = tmp.resolve("gateway");
        gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dataDir)));
        assertThat(DemoScenario.install(gateway.executor())).isTrue();
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void childJvmWithOnlyTheDriverJarGetsTheBruteForceRows(@TempDir Path tmp) throws Exception {
        StatementExecutor executor = gateway.executor();
        assertThat(rows(executor, "SELECT count(*) FROM (SELECT customer_id, updated_ts FROM lake.crm.profile_updates"
                + " GROUP BY customer_id, updated_ts HAVING count(*) > 1) d")).containsExactly("0");
        assertThat(rows(executor, "SELECT count(*) FROM (SELECT customer_id, txn_ts FROM lake.sales.transactions"
                + " GROUP BY customer_id, txn_ts HAVING count(*) > 1) d")).containsExactly("0");
        List<String> expected = rows(executor, BRUTE_FORCE);
        assertThat(expected).hasSize(DemoScenario.LABELS);

        Path jar = driverJar();
        Path classes = compileClient(tmp, jar);
        String sample = DemoScenario.sampleQuery();
        Child child = runChild(tmp, jar, classes, TestCredentials.url(gateway.jdbcUrl()), sample, FULL_QUERY);

        assertThat(child.exitCode()).as("child exit code\n%s", child).isZero();
        assertThat(child.err()).as("child stderr\n%s", child).isEmpty();
        List<String> lines = child.out().lines().collect(Collectors.toList());
        assertThat(lines).as(child.toString())
                .contains("classpath=" + jar.toAbsolutePath() + File.pathSeparator + classes.toAbsolutePath())
                .containsSubsequence("query=1", "rows=10", "query=2", "rows=" + DemoScenario.LABELS, "done");
        assertThat(lines).as(child.toString()).contains("columns=label_id:BIGINT,customer_id:BIGINT,event_ts:TIMESTAMP,"
                + "is_fraud:BOOLEAN,country:VARCHAR,segment:VARCHAR,credit_limit:DOUBLE,last_amount:DOUBLE,"
                + "last_category:VARCHAR");

        List<String> sampleRows = section(lines, "query=1");
        List<String> fullRows = section(lines, "query=2");
        // Row by row, in label order (the six duplicated labels give identical rows).
        assertThat(fullRows).containsExactlyElementsOf(expected);
        assertThat(sampleRows).containsExactlyElementsOf(expected.subList(0, 10));

        // The data exercises the rules: values, rows without a profile (no row, or expired), rows
        // without a recent transaction, and labels whose profile differs when loaded_at is ignored.
        assertThat(expected).anyMatch(r -> !r.split("\\|", -1)[4].equals("NULL"));
        assertThat(expected).anyMatch(r -> r.split("\\|", -1)[4].equals("NULL"));
        assertThat(expected).anyMatch(r -> r.split("\\|", -1)[7].equals("NULL"));
        List<String> ignoringCreatedTime = rows(executor, BRUTE_FORCE.replace("AND u.loaded_at <= l.event_ts", ""));
        assertThat(ignoringCreatedTime).as("late loads change some answers").isNotEqualTo(expected);
    }

    // ---------------------------------------------------------------- child JVM

    private record Child(int exitCode, String out, String err) {
        @Override
        public String toString() {
            String o = out.length() > 4000 ? out.substring(0, 4000) + "\n..." : out;
            return "exit " + exitCode + "\nstdout:\n" + o + "\nstderr:\n" + err;
        }
    }

    private static Child runChild(Path tmp, Path jar, Path classes, String url, String... queries)
            throws IOException, InterruptedException {
        String classPath = jar.toAbsolutePath() + File.pathSeparator + classes.toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath, CLIENT, url));
        command.addAll(List.of(queries));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Child(-1, Files.readString(out), Files.readString(err) + "\n(timed out)");
        }
        return new Child(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The {@code row=} lines after {@code marker}, up to its {@code rows=} line, without the prefix. */
    private static List<String> section(List<String> lines, String marker) {
        List<String> rows = new ArrayList<>();
        int i = lines.indexOf(marker);
        assertThat(i).as(marker).isNotNegative();
        for (i++; i < lines.size() && !lines.get(i).startsWith("rows="); i++) {
            if (lines.get(i).startsWith("row=")) {
                rows.add(lines.get(i).substring("row=".length()));
            }
        }
        return rows;
    }

    /** The shaded driver jar the build resolved for {@code dev.asof:asof-jdbc}. */
    static Path driverJar() throws ClassNotFoundException, URISyntaxException, IOException {
        Class<?> driver = Class.forName("dev.asof.jdbc.AsofDriver");
        Path jar = Path.of(driver.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar).as("asof-jdbc on the test class path (run with failsafe, after package)").isRegularFile();
        assertThat(jar.getFileName().toString()).matches("asof-jdbc-.*\\.jar");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getEntry("dev/asof/jdbc/shaded/org/apache/calcite/avatica/remote/Driver.class"))
                    .as("%s is the shaded driver", jar).isNotNull();
            assertThat(j.getEntry("org/apache/calcite/avatica/remote/Driver.class")).isNull();
        }
        return jar;
    }

    /** Compiles the client against nothing but the driver jar (it only needs java.sql). */
    private static Path compileClient(Path tmp, Path jar) throws IOException {
        Path src = tmp.resolve("src").resolve(CLIENT + ".java");
        Files.createDirectories(src.getParent());
        try (InputStream in = DriverOnlyClientIT.class.getResourceAsStream("it/" + CLIENT + ".java")) {
            assertThat(in).as("client source resource").isNotNull();
            Files.copy(in, src);
        }
        Path classes = Files.createDirectories(tmp.resolve("client-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("running on a JDK").isNotNull();
        int rc = javac.run(null, null, null, "--release", "11", "-cp", jar.toString(),
                "-d", classes.toString(), src.toString());
        assertThat(rc).as("javac exit code").isZero();
        try (var files = Files.list(classes)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(CLIENT + ".class");
        }
        return classes;
    }

    // ---------------------------------------------------------------- in-process rows

    /** Rows of {@code sql} run in-process, formatted as the child formats them. */
    private static List<String> rows(StatementExecutor executor, String sql) {
        StatementResult r = executor.execute(executor.prepare(sql), List.of(), QueryControl.none());
        assertThat(r).isInstanceOf(StatementResult.Rows.class);
        List<String> out = new ArrayList<>();
        RowCursor cursor = ((StatementResult.Rows) r).cursor();
        try {
            List<ColumnMetadata> columns = cursor.columns();
            while (cursor.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    values.add(format(cursor.value(i)));
                }
                out.add(String.join("|", values));
            }
        } finally {
            cursor.close();
        }
        return out;
    }

    private static String format(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Double || v instanceof Float) {
            return Double.toString(((Number) v).doubleValue());
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Number n) {
            return Long.toString(n.longValue());
        }
        if (v instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC).toString();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return v.toString();
    }
}
