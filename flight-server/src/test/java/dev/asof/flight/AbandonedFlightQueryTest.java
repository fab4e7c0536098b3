package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.execution.RunningStatements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.auth2.BasicAuthCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flight SQL client that goes away stops its DuckDB query within a second: its deadline passes,
 * it cancels its stream, or it disconnects mid-call. Idle sessions lose their uploads after
 * {@code asof.session.idle-timeout}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbandonedFlightQueryTest {
    /** Hours of DuckDB work: a filter over a cross join that no row passes. */
    static final String ENDLESS = "SELECT sum(a.x * b.x + c.x * d.x) AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c, lake.main.nums d";
    static final String LARGE = "SELECT a.x * 1000000 + b.x * 1000 + c.x AS n FROM lake.main.nums a, lake.main.nums b,"
            + " lake.main.nums c";
    static final Duration SESSION_IDLE = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    static AsofGateway gateway;
    static BufferAllocator allocator;

    @BeforeAll
    static void start() {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir))
                .withTimeouts(new GatewayConfig.Timeouts(GatewayConfig.DEFAULT_STATEMENT_TIMEOUT,
                        Duration.ofMinutes(5), Duration.ofMinutes(30), SESSION_IDLE)));
        TestGateway.run(gateway.executor(), "CREATE TABLE lake.main.nums AS SELECT range AS x FROM range(1000)");
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            gateway.close();
        } finally {
            try {
                allocator.close();
            } catch (IllegalStateException e) {
                // the client side of a cancelled stream may still account a batch; not the gateway's
            }
        }
    }

    private static FlightSqlClient client() {
        return new FlightSqlClient(TestGateway.authenticated(FlightClient.builder(allocator,
                Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build());
    }

    @Test
    void aPassedDeadlineStopsTheQuery() throws Exception {
        try (FlightSqlClient client = client()) {
            FlightRuntimeException e = catchThrowableOfType(() -> client.execute(ENDLESS,
                    CallOptions.timeout(1, TimeUnit.SECONDS)), FlightRuntimeException.class);
            long after = System.nanoTime();
            assertThat(e).isNotNull();
            assertThat(e.status().code()).isEqualTo(CallStatus.TIMED_OUT.code());
            awaitRunning(0, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - after) / 1_000_000;
            System.out.printf("[asof tests] Flight deadline passed: DuckDB query stopped %d ms later%n", millis);
            assertThat(millis).isLessThan(1_000L);
        }
    }

    /** The client's connection goes down (its channel is shut down at once) with the call in flight. */
    @Test
    void aClientThatDisconnectsMidCallHasItsQueryStopped() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", TestGateway.flight(gateway).port())
                .usePlaintext().build();
        FlightSqlClient client = new FlightSqlClient(FlightGrpcUtils.createFlightClient(allocator, channel));
        CredentialCallOption login = new CredentialCallOption(new BasicAuthCredentialWriter(TestGateway.USER,
                TestGateway.PASSWORD));
        CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
            try {
                return client.execute(ENDLESS, login);
            } catch (RuntimeException e) {
                return e;
            }
        });
        awaitRunning(1, Duration.ofSeconds(30));
        Thread.sleep(300);
        long closed = System.nanoTime();
        channel.shutdownNow(); // the connection closes under the running call
        awaitRunning(0, Duration.ofSeconds(5));
        long millis = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("[asof tests] Flight client disconnected: DuckDB query stopped %d ms later%n", millis);
        assertThat(millis).isLessThan(1_000L);
        assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(RuntimeException.class);
        channel.awaitTermination(5, TimeUnit.SECONDS);
        client.close();
    }

    /** The client cancels its call (a gRPC cancellation, as a notebook's interrupt does) while the query starts. */
    @Test
    void aCancelledCallStopsTheQuery() throws Exception {
        try (FlightSqlClient client = client()) {
            Context.CancellableContext scope = Context.current().withCancellation();
            CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return scope.call(() -> client.execute(ENDLESS));
                } catch (Exception e) {
                    return e;
                }
            });
            awaitRunning(1, Duration.ofSeconds(30));
            Thread.sleep(300);
            long cancelled = System.nanoTime();
            scope.cancel(null);
            awaitRunning(0, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - cancelled) / 1_000_000;
            System.out.printf("[asof tests] Flight call cancelled: DuckDB query stopped %d ms later%n", millis);
            assertThat(millis).isLessThan(1_000L);
            assertThat(call.get(10, TimeUnit.SECONDS)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void aCancelledStreamStopsTheQuery() throws Exception {
        try (FlightSqlClient client = client()) {
            FlightInfo info = client.execute(LARGE);
            FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket());
            assertThat(stream.next()).isTrue();
            assertThat(stream.getRoot().getRowCount()).isPositive();
            assertThat(running()).hasSize(1);
            long cancelled = System.nanoTime();
            stream.cancel("client went away", null);
            awaitRunning(0, Duration.ofSeconds(5));
            long millis = (System.nanoTime() - cancelled) / 1_000_000;
            System.out.printf("[asof tests] Flight stream cancelled: DuckDB query stopped %d ms later%n", millis);
            assertThat(millis).isLessThan(1_000L);
            try {
                stream.close();
            } catch (Exception ignored) {
                // closing a cancelled stream may report the cancel
            }
            // the next statement is served
            FlightInfo next = client.execute("SELECT 41 + 1 AS n");
            try (FlightStream s = client.getStream(next.getEndpoints().get(0).getTicket())) {
                assertThat(s.next()).isTrue();
                assertThat(((Number) s.getRoot().getVector(0).getObject(0)).longValue()).isEqualTo(42L);
            }
        }
    }

    @Test
    void anIdleSessionsUploadsAreDropped() throws Exception {
        String schema = TestGateway.uploadSchema("idle-notebook");
        try (FlightSqlClient client = client()) {
            HeaderCallOption session = session("idle-notebook");
            Schema columns = new Schema(List.of(new Field("x", FieldType.nullable(new ArrowType.Int(64, true)), null)));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(columns, allocator)) {
                ((BigIntVector) root.getVector(0)).setSafe(0, 7);
                root.setRowCount(1);
                client.executeIngest(root, new FlightSqlClient.ExecuteIngestOptions("labels",
                        TableDefinitionOptions.newBuilder()
                                .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                                .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE)
                                .build(), true, null, null, Map.of()), session);
            }
            assertThat(uploadSchemaExists(schema)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (uploadSchemaExists(schema) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(uploadSchemaExists(schema)).as("dropped after %s idle", SESSION_IDLE).isFalse();
            // the session's table is gone for it too
            assertThat(catchThrowableOfType(() -> client.execute("SELECT x FROM labels", session),
                    FlightRuntimeException.class)).isNotNull();
        }
    }

    private static boolean uploadSchemaExists(String schema) {
        return gateway.executor().warehouse().listTables().stream()
                .anyMatch(t -> t.isQualified() && t.schemaName().schema().equalsIgnoreCase(schema));
    }

    private static HeaderCallOption session(String id) {
        FlightCallHeaders headers = new FlightCallHeaders();
        headers.insert(SessionMiddleware.HEADER, id);
        return new HeaderCallOption(headers);
    }

    private static List<RunningStatements.Running> running() {
        return gateway.executor().running().list().stream().filter(r -> !r.route().equals("system")).toList();
    }

    private static void awaitRunning(int n, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (running().size() == n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " running statement(s) within " + wait + ", found " + running());
    }
}
