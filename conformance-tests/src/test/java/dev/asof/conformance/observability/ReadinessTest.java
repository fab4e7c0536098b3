package dev.asof.conformance.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.connector.aerospike.testserver.AerospikeTestServer;
import dev.asof.connector.trino.TestingTrinoServer;
import dev.asof.conformance.TestCredentials;
import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code /health/ready} of a gateway on a real Trino (a server of its own, which the test
 * stops and starts again on the same port) and Aerospike (the wire-protocol test server, stopped
 * and started again on its port) goes unready naming the part that is away, and ready again once it
 * is back; {@code /health/live} stays up throughout.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ReadinessTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String READY = "{\"status\":\"up\",\"registry\":\"up\",\"warehouse\":\"up\",\"online_store\":\"up\"}\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private record Answer(int status, String body) {}

    private static Answer get(AsofGateway gateway, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl().orElseThrow() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** Polls {@code /health/ready} until it answers {@code status} with {@code body}; returns that answer. */
    private static Answer awaitReady(AsofGateway gateway, int status, String body) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Answer last = null;
        while (System.nanoTime() < deadline) {
            last = get(gateway, "/health/ready");
            if (last.status() == status && last.body().equals(body)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/health/ready did not answer " + status + " " + body + " within " + WAIT.toSeconds()
                + " s; last: " + last);
    }

    @Test
    void unreadyWhileTrinoOrAerospikeIsAwayAndReadyAgainAfter() throws Exception {
        TestingTrinoServer trino = TestingTrinoServer.startDedicated();
        AerospikeTestServer aerospike = new AerospikeTestServer().start();
        AsofGateway gateway = null;
        try {
            GatewayConfig config = TestCredentials.withAdmin(GatewayConfig.embedded(dir))
                    .withWarehouse("trino", Map.of("url", trino.jdbcUrl(), "user", "asof-readiness", "catalog", "memory",
                            "schema", "default"))
                    .withOnlineStore("aerospike", Map.of("hosts", aerospike.seed(), "timeout", "500ms"));
            gateway = AsofGateway.start(config);
            assertThat(awaitReady(gateway, 200, READY).status()).isEqualTo(200);

            int aerospikePort = aerospike.port();
            aerospike.stop();
            awaitReady(gateway, 503,
                    "{\"status\":\"down\",\"registry\":\"up\",\"warehouse\":\"up\",\"online_store\":\"down\"}\n");
            assertThat(get(gateway, "/health/live").status()).isEqualTo(200);
            aerospike.start(aerospikePort);
            awaitReady(gateway, 200, READY);

            trino.stop();
            awaitReady(gateway, 503,
                    "{\"status\":\"down\",\"registry\":\"up\",\"warehouse\":\"down\",\"online_store\":\"up\"}\n");
            assertThat(get(gateway, "/health/live").status()).isEqualTo(200);
            trino = trino.restart();
            awaitReady(gateway, 200, READY);
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            aerospike.close();
            trino.stop();
        }
    }
}
