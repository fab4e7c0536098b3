package dev.asof.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP endpoint of a real gateway (DuckDB, RocksDB): health, who may read {@code /metrics},
 * and metrics that move with the work done through the JDBC driver. The gateway's clock is fixed at
 * 12:30 so that freshness has one right value.
 */
class HttpEndpointTest {
    private static final String TOKEN = "scrape-token-for-tests";
    private static final Instant NOW = Instant.parse("2025-01-01T12:30:00Z");

    @TempDir
    static Path dir;

    private static AsofGateway gateway;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws SQLException {
        GatewayConfig config = TestUsers.withAdmin(GatewayConfig.embedded(dir))
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
        gateway = AsofGateway.start(config.withHttp(config.http().withMetricsToken(TOKEN)));
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, ts TIMESTAMP)");
            // The newest event (11:00) is 90 minutes before now; the run's watermark (now) is not.
            s.execute("INSERT INTO lake.main.profile VALUES (1, 'gold', TIMESTAMP '2025-01-01 10:00:00'),"
                    + " (2, 'silver', TIMESTAMP '2025-01-01 11:00:00')");
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
            s.execute("CREATE FEATURE VIEW customer_segment ENTITY customer FROM profile AS SELECT customer_id, segment ONLINE");
            s.execute("CREATE FEATURE VIEW offline_segment ENTITY customer FROM profile AS SELECT customer_id, segment");
            s.execute("MATERIALIZE customer_segment");
            s.execute("CREATE USER bob PASSWORD 'bob-password'");
            s.execute("CREATE TABLE lake.main.big AS SELECT range AS i FROM range(100000)");
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> get(String path, Optional<String> authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.httpUrl().orElseThrow() + path))
                .timeout(Duration.ofSeconds(30));
        authorization.ifPresent(a -> b.header("Authorization", a));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = get("/metrics", Optional.of("Bearer " + TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the one sample {@code series} (name and labels as printed) in a scrape. */
    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("series %s in:\n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void livenessAndReadinessAreOpenAndUp() throws Exception {
        HttpResponse<String> live = get("/health/live", Optional.empty());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"up\"}\n");
        HttpResponse<String> ready = get("/health/ready", Optional.empty());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo(
                "{\"status\":\"up\",\"registry\":\"up\",\"warehouse\":\"up\",\"online_store\":\"up\"}\n");
        assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void metricsNeedTheScrapeTokenOrAnAdmin() throws Exception {
        HttpResponse<String> none = get("/metrics", Optional.empty());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().allValues("WWW-Authenticate")).contains("Bearer realm=\"asof\"");
        assertThat(none.body()).doesNotContain("asof_");

        HttpResponse<String> wrongToken = get("/metrics", Optional.of("Bearer " + TOKEN + "x"));
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(wrongToken.body()).doesNotContain("asof_");
        assertThat(get("/metrics", Optional.of("Bearer ")).statusCode()).isEqualTo(401);

        HttpResponse<String> rightToken = get("/metrics", Optional.of("Bearer " + TOKEN));
        assertThat(rightToken.statusCode()).isEqualTo(200);
        assertThat(rightToken.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(rightToken.body()).contains("# TYPE asof_statement_duration_seconds histogram");

        assertThat(get("/metrics", Optional.of(TestUsers.basicAuthorization())).statusCode()).isEqualTo(200);
        HttpResponse<String> notAdmin = get("/metrics", Optional.of(basic("bob", "bob-password")));
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(notAdmin.body()).doesNotContain("asof_");
        assertThat(get("/metrics", Optional.of(basic(TestUsers.ADMIN, "wrong"))).statusCode()).isEqualTo(401);
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/", Optional.empty()).statusCode()).isEqualTo(404);
        assertThat(get("/metrics/../health", Optional.empty()).statusCode()).isIn(401, 404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl().orElseThrow()
                + "/health/live")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aLookupAndAFailedStatementMoveTheirCounters() throws Exception {
        String before = scrape();
        double lookups = sample(before, "asof_online_lookups_total{answered_by=\"online_store\"}");
        double syntaxErrors = before.contains("sqlstate=\"42000\"")
                ? sample(before, "asof_statement_errors_total{sqlstate=\"42000\"}") : 0;
        try (Connection c = TestUsers.connect(gateway.jdbcUrl());
                PreparedStatement ps = c.prepareStatement("SELECT segment FROM customer_segment WHERE customer_id = ?")) {
            ps.setLong(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("silver");
            }
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELEC 1")).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42000"));
            }
        }
        String after = scrape();
        assertThat(sample(after, "asof_online_lookups_total{answered_by=\"online_store\"}")).isEqualTo(lookups + 1);
        assertThat(sample(after, "asof_statement_errors_total{sqlstate=\"42000\"}")).isEqualTo(syntaxErrors + 1);
        assertThat(sample(after, "asof_statement_duration_seconds_count{protocol=\"jdbc\",route=\"online\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(after, "asof_online_store_duration_seconds_count{operation=\"get\",store=\"rocksdb\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(after, "asof_materialization_rows_total{view=\"customer_segment\"}")).isEqualTo(2);
        assertThat(after).contains("asof_warehouse_query_duration_seconds_count{engine=\"duckdb\",kind=\"query\"}");
        assertThat(after).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads");
        // The meters the endpoint serves are the gateway's one registry, which other parts record into.
        MeterRegistry meters = gateway.meters();
        assertThat(meters.get(StatementMetrics.LOOKUPS).tag("answered_by", "online_store").counter().count())
                .isEqualTo(sample(after, "asof_online_lookups_total{answered_by=\"online_store\"}"));
    }

    @Test
    void freshnessIsNowMinusTheNewestEventServedOnline() throws Exception {
        String s = scrape();
        // 12:30 - 11:00: the newest event visible online, not the run's watermark (12:30, which would give 0).
        assertThat(sample(s, "asof_online_freshness_seconds{view=\"customer_segment\"}")).isEqualTo(5400.0);
        assertThat(s).doesNotContain("view=\"offline_segment\"");
    }

    @Test
    void pushLagIsAHookForPushIngestion() throws Exception {
        gateway.pushLag().set("clicks", Duration.ofMillis(1500));
        assertThat(sample(scrape(), "asof_push_lag_seconds{source=\"clicks\"}")).isEqualTo(1.5);
    }

    @Test
    void runningStatementsAndSessionsAreGauges() throws Exception {
        try (Connection c = TestUsers.connect(gateway.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT i FROM lake.main.big")) {
            assertThat(rs.next()).isTrue();
            String during = scrape();
            assertThat(sample(during, "asof_statements_running")).isGreaterThanOrEqualTo(1);
            assertThat(sample(during, "asof_sessions_active{protocol=\"jdbc\"}")).isGreaterThanOrEqualTo(1);
        }
    }

    /** README lists every asof metric the endpoint serves (histograms' _max gauges under their histogram). */
    @Test
    void readmeListsEveryAsofMetric() throws Exception {
        gateway.pushLag().set("readme", Duration.ZERO);
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("(?m)^# TYPE (asof_\\w+?)(_max)? \\w+$").matcher(scrape());
        int names = 0;
        while (m.find()) {
            assertThat(readme).as("README names %s", m.group(1)).contains("`" + m.group(1) + "`");
            names++;
        }
        assertThat(names).isGreaterThanOrEqualTo(10);
    }
}
