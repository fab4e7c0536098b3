package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushing over Flight SQL with Arrow's own client: {@code executeIngest} (CommandStatementIngest)
 * into a push source and a prepared INSERT (CommandPreparedStatementUpdate) with a parameter
 * batch; the INSERT grant; a bad stream stores nothing.
 */
class FlightPushTest {
    private static final Schema CLICKS = new Schema(List.of(
            new Field("user_id", FieldType.nullable(new ArrowType.Int(64, true)), null),
            new Field("ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null),
            new Field("amount", FieldType.nullable(new ArrowType.FloatingPoint(
                    org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)), null)));

    @TempDir
    Path dir;

    private AsofGateway gateway;
    private BufferAllocator allocator;
    private FlightSqlClient admin;

    @BeforeEach
    void start() {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
        allocator = new RootAllocator();
        admin = client(new TestGateway.LoginMiddleware(TestGateway.USER, TestGateway.PASSWORD));
        admin.executeUpdate("CREATE SOURCE clicks (user_id BIGINT, ts TIMESTAMP, amount DOUBLE) EVENT TIME ts PUSH");
    }

    private FlightSqlClient client(TestGateway.LoginMiddleware login) {
        return new FlightSqlClient(FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1",
                TestGateway.flight(gateway).port())).intercept(login).build());
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        allocator.close();
        gateway.close();
    }

    private static FlightSqlClient.ExecuteIngestOptions into(String table) {
        return new FlightSqlClient.ExecuteIngestOptions(table, TableDefinitionOptions.newBuilder()
                .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
                .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_APPEND).build(),
                false, null, null, Map.of());
    }

    private VectorSchemaRoot clicks(long... users) {
        VectorSchemaRoot root = VectorSchemaRoot.create(CLICKS, allocator);
        for (int i = 0; i < users.length; i++) {
            ((BigIntVector) root.getVector(0)).setSafe(i, users[i]);
            ((TimeStampMicroVector) root.getVector(1)).setSafe(i,
                    LocalDateTime.of(2025, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L + i);
            ((Float8Vector) root.getVector(2)).setSafe(i, users[i] * 0.5);
        }
        root.setRowCount(users.length);
        return root;
    }

    @Test
    void ingestAndPreparedInsertPushRows() throws Exception {
        try (VectorSchemaRoot root = clicks(1, 2, 3)) {
            assertThat(admin.executeIngest(root, into("clicks"))).isEqualTo(3);
        }
        try (FlightSqlClient.PreparedStatement ps = admin.prepare("INSERT INTO clicks (user_id, ts, amount) VALUES (?, ?, ?)")) {
            assertThat(ps.getParameterSchema().getFields()).extracting(f -> f.getType().getTypeID())
                    .containsExactly(ArrowType.ArrowTypeID.Int, ArrowType.ArrowTypeID.Timestamp,
                            ArrowType.ArrowTypeID.FloatingPoint);
            try (VectorSchemaRoot params = VectorSchemaRoot.create(ps.getParameterSchema(), allocator)) {
                ((BigIntVector) params.getVector(0)).setSafe(0, 4);
                ((BigIntVector) params.getVector(0)).setSafe(1, 5);
                for (int i = 0; i < 2; i++) {
                    ((org.apache.arrow.vector.TimeStampVector) params.getVector(1)).setSafe(i,
                            LocalDateTime.of(2025, 1, 2, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L);
                    ((Float8Vector) params.getVector(2)).setSafe(i, 9.25);
                }
                params.setRowCount(2);
                ps.setParameters(params);
                assertThat(ps.executeUpdate()).isEqualTo(2);
            }
        }
        assertThat(stored()).containsExactly(List.of(1L, 0.5), List.of(2L, 1.0), List.of(3L, 1.5), List.of(4L, 9.25),
                List.of(5L, 9.25));
    }

    @Test
    void aBadStreamStoresNothing() throws Exception {
        Schema wrong = new Schema(List.of(new Field("user_id", FieldType.nullable(new ArrowType.Utf8()), null),
                new Field("ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(wrong, allocator)) {
            ((VarCharVector) root.getVector(0)).setSafe(0, "7".getBytes(StandardCharsets.UTF_8));
            ((VarCharVector) root.getVector(0)).setSafe(1, "seven".getBytes(StandardCharsets.UTF_8));
            ((TimeStampMicroVector) root.getVector(1)).setSafe(0, 0);
            ((TimeStampMicroVector) root.getVector(1)).setSafe(1, 0);
            root.setRowCount(2);
            FlightRuntimeException e = catchThrowableOfType(() -> admin.executeIngest(root, into("clicks")),
                    FlightRuntimeException.class);
            assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
            assertThat(e.getMessage()).contains("row 1").contains("user_id");
        }
        assertThat(stored()).isEmpty();
    }

    @Test
    void ingestNeedsTheInsertGrant() throws Exception {
        admin.executeUpdate("CREATE USER bob PASSWORD 'bob-secret-1'");
        try (FlightSqlClient bob = client(new TestGateway.LoginMiddleware("bob", "bob-secret-1"))) {
            try (VectorSchemaRoot root = clicks(7)) {
                FlightRuntimeException e = catchThrowableOfType(() -> bob.executeIngest(root, into("clicks")),
                        FlightRuntimeException.class);
                assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHORIZED.code());
                assertThat(e.getMessage()).contains("INSERT on source clicks");
            }
            assertThat(stored()).isEmpty();
            admin.executeUpdate("GRANT INSERT ON SOURCE clicks TO bob");
            try (VectorSchemaRoot root = clicks(7)) {
                assertThat(bob.executeIngest(root, into("clicks"))).isEqualTo(1);
            }
        }
        assertThat(stored()).containsExactly(List.of(7L, 3.5));
    }

    private List<List<Object>> stored() throws Exception {
        assertThat(gateway.push().awaitAppended(60_000)).isTrue();
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = TestGateway.jdbc(gateway.jdbcUrl()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT user_id, amount FROM lake.asof_push.clicks ORDER BY user_id")) {
            while (rs.next()) {
                rows.add(List.of(rs.getLong(1), rs.getDouble(2)));
            }
        }
        return rows;
    }
}
