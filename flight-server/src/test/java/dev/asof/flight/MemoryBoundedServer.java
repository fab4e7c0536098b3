package dev.asof.flight;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;

/**
 * A gateway in a child JVM for {@link MemoryBoundedExtractTest}: creates {@code lake.main.big} with
 * the given number of rows, prints {@code PORT <flight port>}, and serves until stdin closes.
 */
public final class MemoryBoundedServer {
    private MemoryBoundedServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)))) {
            TestGateway.run(gateway.executor(), "CREATE TABLE lake.main.big AS SELECT range AS id, range * 2 AS a,"
                    + " (range % 1000) / 7.0 AS b, 'row-' || (range % 100) AS s,"
                    + " TIMESTAMP '2025-01-01 00:00:00' + to_seconds(range) AS ts FROM range(" + rows + ")");
            System.out.println("PORT " + TestGateway.flight(gateway).port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
