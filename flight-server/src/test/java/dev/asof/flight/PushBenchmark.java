package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -B -Pbench verify -pl flight-server -am -Dtest=PushBenchmark}: push throughput into a
 * push source on the embedded engines, acknowledged rows per second (durable in the write-ahead
 * log), through JDBC {@code executeBatch} and through Flight SQL ingest streams, each from
 * {@code -Dbench.push.threads} clients (default 4) sending {@code -Dbench.push.rows} rows in all
 * (default 400k) in batches / streams of {@code -Dbench.push.batch} rows (default 1000 / 10000).
 */
@Tag("bench")
class PushBenchmark {
    @TempDir
    Path dir;

    @Test
    void jdbcBatchAndFlightStream() throws Exception {
        int threads = Integer.getInteger("bench.push.threads", 4);
        int rows = Integer.getInteger("bench.push.rows", 400_000);
        int jdbcBatch = Integer.getInteger("bench.push.batch", 1_000);
        int flightBatch = Integer.getInteger("bench.push.stream", 10_000);
        try (AsofGateway gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
                BufferAllocator allocator = new RootAllocator()) {
            TestGateway.run(gateway.executor(), "CREATE SOURCE jdbc_clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE)"
                    + " EVENT TIME ts PUSH");
            TestGateway.run(gateway.executor(), "CREATE SOURCE flight_clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE)"
                    + " EVENT TIME ts PUSH");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                // Warm-up: classes, connections, the log's first segment.
                run(pool, threads, () -> jdbc(gateway, jdbcBatch, jdbcBatch * 2));
                long start = System.nanoTime();
                run(pool, threads, () -> jdbc(gateway, jdbcBatch, rows / threads));
                double jdbcSeconds = (System.nanoTime() - start) / 1e9;

                run(pool, threads, () -> flight(gateway, allocator, flightBatch, flightBatch * 2));
                start = System.nanoTime();
                run(pool, threads, () -> flight(gateway, allocator, flightBatch, rows / threads));
                double flightSeconds = (System.nanoTime() - start) / 1e9;

                System.out.printf("PUSH BENCH threads=%d rows=%d: JDBC executeBatch (%d rows/batch) %.0f rows/s"
                        + " (%.2f s); Flight ingest (%d rows/stream) %.0f rows/s (%.2f s)%n", threads, rows, jdbcBatch,
                        rows / jdbcSeconds, jdbcSeconds, flightBatch, rows / flightSeconds, flightSeconds);
                assertThat(gateway.push().awaitAppended(300_000)).isTrue();
                try (Connection c = TestGateway.jdbc(gateway.jdbcUrl()); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM lake.asof_push.jdbc_clicks),"
                                + " (SELECT count(*) FROM lake.asof_push.flight_clicks)")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo((long) threads * (jdbcBatch * 2 + rows / threads / jdbcBatch * jdbcBatch));
                    assertThat(rs.getLong(2)).isEqualTo((long) threads * (flightBatch * 2 + rows / threads / flightBatch * flightBatch));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void run(ExecutorService pool, int threads, Callable<Void> task) throws Exception {
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(task));
        }
        for (Future<Void> f : futures) {
            f.get();
        }
    }

    private static Void jdbc(AsofGateway gateway, int batch, int rows) throws Exception {
        Timestamp ts = Timestamp.valueOf("2025-01-01 00:00:00");
        try (Connection c = TestGateway.jdbc(gateway.jdbcUrl());
                PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_clicks VALUES (?, ?, ?)")) {
            for (int sent = 0; sent + batch <= rows; sent += batch) {
                for (int i = 0; i < batch; i++) {
                    ps.setLong(1, sent + i);
                    ps.setTimestamp(2, ts);
                    ps.setDouble(3, i * 0.5);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return null;
    }

    private static Void flight(AsofGateway gateway, BufferAllocator allocator, int batch, int rows) throws Exception {
        Schema schema = new Schema(List.of(
                new Field("user_id", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null),
                new Field("amount", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
        long micros = LocalDateTime.of(2025, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        FlightSqlClient.ExecuteIngestOptions into = new FlightSqlClient.ExecuteIngestOptions("flight_clicks",
                TableDefinitionOptions.newBuilder().build(), false, null, null, Map.of());
        try (FlightSqlClient client = new FlightSqlClient(FlightClient.builder(allocator, Location.forGrpcInsecure(
                "127.0.0.1", TestGateway.flight(gateway).port())).intercept(new TestGateway.LoginMiddleware(
                TestGateway.USER, TestGateway.PASSWORD)).build());
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            for (int sent = 0; sent + batch <= rows; sent += batch) {
                root.clear();
                for (int i = 0; i < batch; i++) {
                    ((BigIntVector) root.getVector(0)).setSafe(i, sent + i);
                    ((TimeStampMicroVector) root.getVector(1)).setSafe(i, micros);
                    ((Float8Vector) root.getVector(2)).setSafe(i, i * 0.5);
                }
                root.setRowCount(batch);
                client.executeIngest(root, into);
            }
        }
        return null;
    }
}
