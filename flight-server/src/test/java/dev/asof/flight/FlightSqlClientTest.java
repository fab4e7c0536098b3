package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.client.ClientCookieMiddleware;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw Arrow {@link FlightSqlClient} against a gateway: queries, parameters, metadata, ingest. */
class FlightSqlClientTest {
    @TempDir
    static Path dir;

    static AsofGateway gateway;
    static BufferAllocator allocator;
    static FlightClient flight;
    static FlightSqlClient client;

    @BeforeAll
    static void start() {
        gateway = AsofGateway.start(TestGateway.withAdmin(GatewayConfig.embedded(dir)));
        TestGateway.install(gateway);
        allocator = new RootAllocator();
        flight = TestGateway.authenticated(FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port())))
                .intercept(new ClientCookieMiddleware.Factory()).build();
        client = new FlightSqlClient(flight);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        allocator.close();
        gateway.close();
    }

    /** All rows of a FlightInfo's endpoints, as lists of getObject values. */
    static List<List<Object>> rows(FlightInfo info) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (var endpoint : info.getEndpoints()) {
            try (FlightStream stream = client.getStream(endpoint.getTicket())) {
                while (stream.next()) {
                    VectorSchemaRoot root = stream.getRoot();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        List<Object> row = new ArrayList<>();
                        for (var v : root.getFieldVectors()) {
                            Object o = v.getObject(r);
                            row.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void queryReturnsTypedArrowColumns() throws Exception {
        FlightInfo info = client.execute(
                "SELECT customer_id, segment, credit, updated_ts FROM lake.main.profile_updates ORDER BY customer_id, updated_ts");
        Schema schema = info.getSchemaOptional().orElseThrow();
        assertThat(schema.getFields()).extracting(f -> f.getType().toString())
                .containsExactly("Int(64, true)", "Utf8", "Decimal(10, 2, 128)", "Timestamp(MICROSECOND, null)");
        List<List<Object>> rows = rows(info);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).containsExactly(1L, "bronze", new BigDecimal("100.00"), LocalDateTime.parse("2025-01-01T00:00"));
        assertThat(rows.get(3)).containsExactly(3L, "bronze", null, LocalDateTime.parse("2025-03-01T00:00"));
    }

    @Test
    void pitQueryOverFeatureView() throws Exception {
        List<List<Object>> rows = rows(client.execute(
                "SELECT segment FROM customer_profile AS OF TIMESTAMP '2025-01-20 00:00:00' WHERE customer_id = 1"));
        assertThat(rows).containsExactly(List.of("bronze"));
    }

    @Test
    void preparedStatementWithParameters() throws Exception {
        try (FlightSqlClient.PreparedStatement ps = client.prepare(
                "SELECT customer_id, segment FROM lake.main.profile_updates WHERE customer_id = ? ORDER BY updated_ts")) {
            Schema params = ps.getParameterSchema();
            assertThat(params.getFields()).hasSize(1);
            assertThat(params.getFields().get(0).getType()).isEqualTo(new ArrowType.Int(64, true));
            for (long id : new long[] {1, 2}) {
                try (VectorSchemaRoot p = VectorSchemaRoot.create(params, allocator)) {
                    ((BigIntVector) p.getVector(0)).setSafe(0, id);
                    p.setRowCount(1);
                    ps.setParameters(p);
                    List<List<Object>> rows = rows(ps.execute());
                    if (id == 1) {
                        assertThat(rows).containsExactly(List.of(1L, "bronze"), List.of(1L, "gold"));
                    } else {
                        assertThat(rows).containsExactly(List.of(2L, "silver"));
                    }
                }
            }
        }
    }

    @Test
    void metadataCommands() throws Exception {
        assertThat(rows(client.getCatalogs())).contains(List.of("lake"));
        assertThat(rows(client.getSchemas("lake", null))).contains(List.of("lake", "main"));
        List<List<Object>> tables = rows(client.getTables(null, null, null, null, true));
        List<Object> view = tables.stream().filter(r -> "customer_profile".equals(r.get(2))).findFirst().orElseThrow();
        assertThat(view.subList(0, 4)).containsExactly("registry", "features", "customer_profile", "FEATURE VIEW");
        Schema viewSchema = MessageSerializer.deserializeSchema(new ReadChannel(java.nio.channels.Channels.newChannel(
                new java.io.ByteArrayInputStream((byte[]) view.get(4)))));
        assertThat(viewSchema.getFields()).extracting(Field::getName).contains("customer_id", "segment", "credit");
        assertThat(tables).anySatisfy(r -> assertThat(r.subList(0, 4)).containsExactly("lake", "main", "profile_updates", "TABLE"));
        List<List<Object>> entities = rows(client.getTables(null, null, "%", List.of("ENTITY"), false));
        assertThat(entities).containsExactly(List.of("registry", "features", "customer", "ENTITY"));
        assertThat(rows(client.getTableTypes())).extracting(r -> r.get(0)).contains("ENTITY", "FEATURE VIEW", "SOURCE", "TABLE");

        List<List<Object>> info = rows(client.getSqlInfo(FlightSql.SqlInfo.FLIGHT_SQL_SERVER_NAME,
                FlightSql.SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION));
        assertThat(info).hasSize(2);
        assertThat(info.toString()).contains("asof").contains("true");
    }

    @Test
    void ingestThenPitJoinInTheSameSession() throws Exception {
        Schema schema = new Schema(List.of(
                new Field("label_id", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("customer_id", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("event_ts", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)), null)));
        long[][] labels = {{1, 1, ts("2025-01-20T00:00")}, {2, 1, ts("2025-02-10T00:00")}, {3, 2, ts("2025-01-01T00:00")},
            {4, 9, ts("2025-05-01T00:00")}};
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            for (int i = 0; i < labels.length; i++) {
                ((IntVector) root.getVector(0)).setSafe(i, (int) labels[i][0]);
                ((BigIntVector) root.getVector(1)).setSafe(i, labels[i][1]);
                ((TimeStampNanoVector) root.getVector(2)).setSafe(i, labels[i][2]);
            }
            root.setRowCount(labels.length);
            long n = client.executeIngest(root, new FlightSqlClient.ExecuteIngestOptions("my_labels",
                    TableDefinitionOptions.newBuilder()
                            .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                            .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build(),
                    true, null, null, Map.of()));
            assertThat(n).isEqualTo(4);
        }
        List<List<Object>> rows = rows(client.execute("""
                SELECT s.label_id, s.event_ts, p.segment, p.credit
                FROM my_labels s
                LEFT JOIN customer_profile AS OF s.event_ts p ON p.customer_id = s.customer_id
                ORDER BY s.label_id"""));
        assertThat(rows).containsExactly(
                List.of(1, LocalDateTime.parse("2025-01-20T00:00"), "bronze", new BigDecimal("100.00")),
                List.of(2, LocalDateTime.parse("2025-02-10T00:00"), "gold", new BigDecimal("900.50")),
                java.util.Arrays.asList(3, LocalDateTime.parse("2025-01-01T00:00"), null, null),
                java.util.Arrays.asList(4, LocalDateTime.parse("2025-05-01T00:00"), null, null));

        // Another session does not see the upload.
        try (FlightClient other = TestGateway.authenticated(FlightClient.builder(allocator,
                Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build();
                FlightSqlClient otherSql = new FlightSqlClient(other)) {
            assertThatThrownBy(() -> otherSql.execute("SELECT * FROM my_labels"))
                    .isInstanceOf(FlightRuntimeException.class)
                    .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
        }
    }

    private static long ts(String t) {
        return LocalDateTime.parse(t).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000_000L;
    }

    @Test
    void badSqlIsAnErrorWithPositionAndSessionStaysUsable() throws Exception {
        assertThatThrownBy(() -> client.execute("SELECT FROM WHERE"))
                .isInstanceOf(FlightRuntimeException.class)
                .satisfies(e -> {
                    FlightRuntimeException f = (FlightRuntimeException) e;
                    assertThat(f.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code());
                    assertThat(f.getMessage()).containsPattern("line \\d+, column \\d+|\\d+:\\d+");
                    assertThat(f.getMessage()).doesNotContain("at dev.asof");
                });
        assertThatThrownBy(() -> client.execute("SELECT nope FROM customer_profile AS OF TIMESTAMP '2025-01-01 00:00:00'"))
                .isInstanceOf(FlightRuntimeException.class);
        assertThat(rows(client.execute("SELECT 1 AS n"))).containsExactly(List.of(1));
    }

    /** Types the engine's Arrow export gives differently (lists) go through row conversion, same schema. */
    @Test
    void nonArrowNativeTypesAreConvertedToTheDeclaredSchema() throws Exception {
        client.executeUpdate("CREATE TABLE lake.main.odd AS SELECT [1, 2] AS l, TIMESTAMPTZ '2025-01-01 02:00:00+02' AS tz,"
                + " DATE '2025-03-04' AS d, TIME '01:02:03' AS t, true AS b");
        FlightInfo info = client.execute("SELECT l, tz, d, t, b FROM lake.main.odd");
        assertThat(info.getSchemaOptional().orElseThrow().getFields()).extracting(f -> f.getType().toString())
                .containsExactly("Utf8", "Timestamp(MICROSECOND, UTC)", "Date(DAY)", "Time(MICROSECOND, 64)", "Bool");
        List<List<Object>> rows = rows(info);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(0)).isEqualTo("[1, 2]");
        assertThat(rows.get(0).get(1)).isEqualTo(1735689600000000L); // 2025-01-01T00:00:00Z in micros
        assertThat(rows.get(0).get(2)).isEqualTo((int) java.time.LocalDate.parse("2025-03-04").toEpochDay());
        assertThat(rows.get(0).get(3)).isEqualTo(3_723_000_000L); // 01:02:03 in micros
        assertThat(rows.get(0).get(4)).isEqualTo(true);
    }

    /**
     * A statement sent as CommandStatementQuery runs at GetFlightInfo (its schema is the running
     * result's, nothing is described first); the ticket then streams it. An update sent that way
     * has already happened before any DoGet, and its table is visible to the next statement.
     */
    @Test
    void statementRunsAtGetFlightInfo() throws Exception {
        FlightInfo create = client.execute("CREATE TABLE lake.main.made_at_info AS SELECT 41 + 1 AS answer");
        assertThat(create.getSchemaOptional().orElseThrow().getFields()).isEmpty();
        FlightInfo query = client.execute("SELECT answer FROM lake.main.made_at_info");
        assertThat(query.getSchemaOptional().orElseThrow().getFields()).extracting(f -> f.getType().toString())
                .containsExactly("Int(32, true)");
        assertThat(rows(query)).containsExactly(List.of(42));
        assertThat(rows(create)).isEmpty();
        assertThatThrownBy(() -> rows(query)).isInstanceOf(FlightRuntimeException.class)
                .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
                        .isEqualTo(CallStatus.NOT_FOUND.code())); // a ticket streams once
    }

    @Test
    void updateStatement() {
        assertThat(client.executeUpdate("CREATE TABLE lake.main.scratch (x INTEGER)")).isLessThanOrEqualTo(0);
        assertThat(client.executeUpdate("INSERT INTO lake.main.scratch VALUES (1), (2)")).isEqualTo(2);
    }
}
