package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flight SQL over TLS with a self-signed certificate made by openssl (skipped without openssl). */
class FlightTlsTest {
    @TempDir
    Path dir;

    @Test
    void queryOverTls() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "openssl not available");
            return;
        }
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl could not make a certificate");

        GatewayConfig config = TestGateway.withAdmin(GatewayConfig.embedded(dir.resolve("data"))).withFlightTls(cert, key);
        try (AsofGateway gateway = AsofGateway.start(config)) {
            FlightSqlEndpoint endpoint = TestGateway.flight(gateway);
            assertThat(endpoint.url()).startsWith("grpc+tls://127.0.0.1:");
            try (RootAllocator allocator = new RootAllocator();
                    InputStream trusted = Files.newInputStream(cert);
                    FlightSqlClient client = new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                            Location.forGrpcTls("127.0.0.1", endpoint.port()))).trustedCertificates(trusted).build())) {
                FlightInfo info = client.execute("SELECT 42 AS answer");
                try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                    assertThat(stream.next()).isTrue();
                    assertThat(stream.getRoot().getVector(0).getObject(0)).isEqualTo(42);
                }
            }
        }
    }
}
