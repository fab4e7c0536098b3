package dev.asof.conformance.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asof.conformance.HostCommands;
import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a real Prometheus (Debian's {@code prometheus} package, installed by the build when
 * missing, as the notebook tests install theirs) scrapes a gateway every second, with the scrape
 * token and, as a second job, with a wrong one. Prometheus' own parser reads {@code /metrics}; the
 * values it stores move when the test does work through the JDBC driver, and {@code promtool check
 * metrics} finds nothing wrong with the text.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PrometheusScrapeTest {
    private static final String TOKEN = "prometheus-scrape-token";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path dir;

    private static AsofGateway gateway;
    private static Process prometheus;
    private static String prometheusUrl;

    @BeforeAll
    static void start() throws Exception {
        HostCommands.ensureDebianPackages(List.of("prometheus"), "the metrics tests");
        GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir.resolve("gateway")));
        gateway = AsofGateway.start(config.withHttp(config.http().withMetricsToken(TOKEN)));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE lake.main.profile (customer_id BIGINT, segment VARCHAR, ts TIMESTAMP)");
            s.execute("INSERT INTO lake.main.profile VALUES (1, 'gold', TIMESTAMP '2025-01-01 10:00:00')");
            s.execute("CREATE ENTITY customer (customer_id BIGINT)");
            s.execute("CREATE SOURCE profile FROM TABLE lake.main.profile EVENT TIME ts");
            s.execute("CREATE FEATURE VIEW segment ENTITY customer FROM profile AS SELECT customer_id, segment ONLINE");
            s.execute("MATERIALIZE segment");
        }
        URI gatewayHttp = URI.create(gateway.httpUrl().orElseThrow());
        String target = gatewayHttp.getHost() + ":" + gatewayHttp.getPort();
        Path prometheusConfig = dir.resolve("prometheus.yml");
        Files.writeString(prometheusConfig, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: asof",
                "    authorization:",
                "      credentials: " + TOKEN,
                "    static_configs:",
                "      - targets: ['" + target + "']",
                "  - job_name: asof_wrong_token",
                "    authorization:",
                "      credentials: not-the-token",
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""));
        int port = freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + prometheusConfig,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        await("Prometheus ready", () -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(gateway.jdbcUrl(), TestCredentials.USER, TestCredentials.PASSWORD);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(250);
        }
        String log = Files.exists(dir.resolve("prometheus.log")) ? Files.readString(dir.resolve("prometheus.log")) : "";
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + "\nPrometheus log:\n"
                + log.substring(Math.max(0, log.length() - 4000)));
    }

    /** The value Prometheus holds now for an instant vector query with one result; empty when it has none. */
    private static OptionalDouble query(String promql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", promql, r.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        assertThat(result.size()).as("%s: %s", promql, r.body()).isLessThanOrEqualTo(1);
        return result.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    }

    private static double awaitValue(String promql, DoublePredicate ok) throws Exception {
        double[] seen = {Double.NaN};
        await(promql + " (last seen " + seen[0] + ")", () -> {
            OptionalDouble v = query(promql);
            if (v.isPresent()) {
                seen[0] = v.getAsDouble();
            }
            return v.isPresent() && ok.test(v.getAsDouble());
        });
        return seen[0];
    }

    @Test
    void prometheusScrapesWithTheTokenAndIsRefusedWithoutIt() throws Exception {
        assertThat(awaitValue("up{job=\"asof\"}", v -> v == 1)).isEqualTo(1);
        assertThat(awaitValue("up{job=\"asof_wrong_token\"}", v -> v == 0)).isZero();
        HttpResponse<String> targets = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/targets"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode active = JSON.readTree(targets.body()).path("data").path("activeTargets");
        Optional<String> wrongError = Optional.empty();
        for (JsonNode t : active) {
            if (t.path("labels").path("job").asText().equals("asof_wrong_token")) {
                wrongError = Optional.of(t.path("lastError").asText());
            }
        }
        assertThat(wrongError).hasValueSatisfying(e -> assertThat(e).contains("401"));
        // What Prometheus parsed is what the gateway serves: its own series, histograms and the JVM's.
        assertThat(awaitValue("sum(asof_statement_duration_seconds_count)", v -> v >= 1)).isGreaterThanOrEqualTo(1);
        assertThat(awaitValue("count(jvm_memory_used_bytes)", v -> v >= 1)).isGreaterThanOrEqualTo(1);
        assertThat(awaitValue("asof_online_freshness_seconds{view=\"segment\"}", v -> v > 0)).isPositive();
    }

    @Test
    void aLookupAndAFailedStatementMoveWhatPrometheusStores() throws Exception {
        String lookups = "asof_online_lookups_total{job=\"asof\",answered_by=\"online_store\"}";
        String syntaxErrors = "sum(asof_statement_errors_total{job=\"asof\",sqlstate=\"42000\"}) or vector(0)";
        double lookupsBefore = awaitValue(lookups, v -> v >= 0);
        double errorsBefore = awaitValue(syntaxErrors, v -> v >= 0);
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT segment FROM segment WHERE customer_id = ?")) {
            for (int i = 0; i < 3; i++) {
                ps.setLong(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("gold");
                }
            }
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELEC segment FROM segment")).isInstanceOf(SQLException.class);
            }
        }
        assertThat(awaitValue(lookups, v -> v >= lookupsBefore + 3)).isEqualTo(lookupsBefore + 3);
        assertThat(awaitValue(syntaxErrors, v -> v >= errorsBefore + 1)).isEqualTo(errorsBefore + 1);
    }

    @Test
    void promtoolFindsNothingWrongWithTheText() throws Exception {
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl().orElseThrow()
                + "/metrics")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Path text = dir.resolve("scrape.txt");
        Files.writeString(text, scrape.body());
        HostCommands.Result check = HostCommands.exec(List.of("sh", "-c", "promtool check metrics < " + text), Map.of(), 60);
        assertThat(check.code()).as("promtool check metrics:\n%s", check.output()).isZero();
    }

    /** Every query of the Grafana dashboard in docs/ is PromQL Prometheus accepts, over metrics it has. */
    @Test
    void theDashboardsQueriesRunOnPrometheus() throws Exception {
        awaitValue("up{job=\"asof\"}", v -> v == 1);
        JsonNode dashboard = JSON.readTree(Path.of("..", "docs", "grafana-dashboard.json").toFile());
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText().replace("$__rate_interval", "1m").replace("$job", ".+");
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl
                        + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("%s: %s", expr, r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("success");
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(12);
        assertThat(awaitValue("count(asof_statement_duration_seconds_bucket{job=~\".+\"})", v -> v > 0)).isPositive();
    }
}
