package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams an extract far larger than the gateway's heap: the gateway runs in a child JVM with
 * {@code -Xmx256m} and a 64 MiB Arrow allocator limit, and serves 20M rows x 5 columns (about
 * 1 GB as Arrow). The client counts rows; the child must survive.
 */
class MemoryBoundedExtractTest {
    static final long ROWS = 20_000_000L;

    @TempDir
    Path dir;

    @Test
    void extractMuchLargerThanTheHeapStreams() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-D" + FlightSqlEndpoint.ALLOCATOR_LIMIT_PROPERTY + "=" + (64L << 20),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MemoryBoundedServer.class.getName(),
                dir.resolve("data").toString(), Long.toString(ROWS)));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("child output; log: %s", Files.exists(log) ? Files.readString(log) : "").startsWith("PORT ");
            int port = Integer.parseInt(line.substring(5).trim());

            long rows = 0;
            long idSum = 0;
            long t0 = System.nanoTime();
            try (BufferAllocator allocator = new RootAllocator();
                    FlightSqlClient client = new FlightSqlClient(
                            TestGateway.authenticated(FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port))).build())) {
                FlightInfo info = client.execute("SELECT id, a, b, s, ts FROM lake.main.big");
                try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                    while (stream.next()) {
                        int n = stream.getRoot().getRowCount();
                        BigIntVector id = (BigIntVector) stream.getRoot().getVector(0);
                        for (int i = 0; i < n; i++) {
                            idSum += id.get(i);
                        }
                        rows += n;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
            String peak = status.lines().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?");
            System.out.printf("memory-bounded extract: %,d rows in %.1f s (%.0f rows/s); child -Xmx256m, peak RSS %s%n",
                    rows, seconds, rows / seconds, peak.substring(6).trim());
            assertThat(rows).isEqualTo(ROWS);
            assertThat(idSum).isEqualTo(ROWS * (ROWS - 1) / 2);
            assertThat(child.isAlive()).as("child JVM alive; log: %s", Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        } catch (Exception | AssertionError e) {
            System.err.println("child log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
            throw e;
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }
}
