package dev.asof.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.metadata.UploadSchemas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlUtils;
import org.apache.arrow.flight.sql.impl.FlightSql;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight sessions own their uploads, tickets and prepared statements: ids that differ only in case
 * or '-' against '_' get separate upload schemas, and another session's ticket or prepared handle is
 * refused while its owner still gets every row.
 */
class SessionIsolationTest {
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
        flight = TestGateway.authenticated(FlightClient.builder(allocator,
                Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))).build();
        client = new FlightSqlClient(flight);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        allocator.close();
        gateway.close();
    }

    private static CallOption session(String id) {
        FlightCallHeaders headers = new FlightCallHeaders();
        headers.insert(SessionMiddleware.HEADER, id);
        return new HeaderCallOption(headers);
    }

    @Test
    void lookAlikeSessionIdsGetTheirOwnSchemasAndReplaceUploadsDoNotCollide() throws Exception {
        List<String> ids = List.of("alice-notebook-1", "alice_notebook_1", "ALICE-NOTEBOOK-1");
        assertThat(Set.copyOf(ids.stream().map(TestGateway::uploadSchema).toList())).hasSize(3);
        for (int i = 0; i < ids.size(); i++) {
            upload(ids.get(i), "labels", 100 + i);
        }
        // Replace again in the first session only: the others keep their tables. (Qualified names:
        // a plain query is sent as written, and the warehouse does not search upload schemas.)
        upload(ids.get(0), "labels", 200);
        List<Long> expected = List.of(200L, 101L, 102L);
        for (int i = 0; i < ids.size(); i++) {
            CallOption own = session(ids.get(i));
            assertThat(rows(client.execute(labels(ids.get(i)), own), own)).containsExactly(List.of(expected.get(i)));
        }
        // Nor can one read another's by its qualified name.
        assertThatThrownBy(() -> client.execute(labels(ids.get(1)), session(ids.get(0))))
                .isInstanceOf(FlightRuntimeException.class);
        assertThatThrownBy(() -> client.execute(labels(ids.get(0)), session(ids.get(2))))
                .isInstanceOf(FlightRuntimeException.class);
    }

    /**
     * Session ids are chosen by clients and guessable: another user naming the same id gets a
     * session of its own, and neither reaches the other's uploads.
     */
    @Test
    void anotherUserNamingTheSameSessionIdGetsItsOwnSession() throws Exception {
        TestGateway.run(gateway.executor(), "CREATE USER mallory PASSWORD 'mallory-pw' ADMIN");
        try (FlightClient other = FlightClient.builder(allocator,
                        Location.forGrpcInsecure("127.0.0.1", TestGateway.flight(gateway).port()))
                .intercept(new TestGateway.LoginMiddleware("mallory", "mallory-pw")).build();
                FlightSqlClient mallory = new FlightSqlClient(other)) {
            CallOption same = session("team-notebook");
            upload("team-notebook", "shared_labels", 7);
            String adminTable = "SELECT label_id FROM lake." + TestGateway.uploadSchema("team-notebook") + ".shared_labels";
            // The same header from another user neither lists nor reads the admin's upload...
            assertThat(rows(mallory, mallory.getTables(null, null, "shared%", null, false, same), same)).isEmpty();
            assertThatThrownBy(() -> mallory.execute(adminTable, same)).isInstanceOf(FlightRuntimeException.class)
                    .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
                            .isEqualTo(CallStatus.NOT_FOUND.code()));
            // ...and its own upload in replace mode lands in its own schema, leaving the admin's alone.
            Schema schema = new Schema(List.of(new Field("label_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                ((BigIntVector) root.getVector(0)).setSafe(0, 8L);
                root.setRowCount(1);
                assertThat(mallory.executeIngest(root, new FlightSqlClient.ExecuteIngestOptions("shared_labels",
                        TableDefinitionOptions.newBuilder()
                                .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                                .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build(),
                        true, null, null, Map.of()), same)).isEqualTo(1);
            }
            String malloryTable = "SELECT label_id FROM lake." + dev.asof.gateway.metadata.UploadSchemas.schemaName(
                    dev.asof.gateway.metadata.UploadSchemas.sessionKey("mallory", "team-notebook")) + ".shared_labels";
            assertThat(rows(mallory, mallory.execute(malloryTable, same), same)).containsExactly(List.of(8L));
            assertThat(rows(client.execute(adminTable, same), same)).containsExactly(List.of(7L));
        }
    }

    private static String labels(String session) {
        return "SELECT label_id FROM lake." + TestGateway.uploadSchema(session) + ".labels";
    }

    @Test
    void anotherSessionsTicketIsRefusedAndTheOwnerStillGetsEveryRow() throws Exception {
        CallOption owner = session("ticket-owner");
        CallOption thief = session("ticket-thief");
        FlightInfo info = client.execute("SELECT customer_id FROM lake.main.profile_updates ORDER BY customer_id, updated_ts",
                owner);
        Ticket ticket = info.getEndpoints().get(0).getTicket();
        assertThatThrownBy(() -> rows(ticket, thief)).isInstanceOf(FlightRuntimeException.class)
                .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code()).isEqualTo(CallStatus.NOT_FOUND.code()));
        assertThat(rows(ticket, owner)).containsExactly(List.of(1L), List.of(1L), List.of(2L), List.of(3L));
    }

    @Test
    void anotherSessionsPreparedStatementIsRefusedAndStaysUsable() throws Exception {
        CallOption owner = session("prep-owner");
        CallOption thief = session("prep-thief");
        try (FlightSqlClient.PreparedStatement p = client.prepare(
                "SELECT count(*) AS n FROM lake.main.profile_updates", owner)) {
            FlightInfo info = p.execute(owner);
            Ticket ticket = info.getEndpoints().get(0).getTicket();
            ByteString handle = Any.parseFrom(ticket.getBytes()).unpack(FlightSql.CommandPreparedStatementQuery.class)
                    .getPreparedStatementHandle();
            assertThat(handle.size()).isEqualTo(32); // 128 random bits, hex
            // Given the handle, the thief can neither run, stream nor close it.
            assertThatThrownBy(() -> p.execute(thief)).isInstanceOf(FlightRuntimeException.class)
                    .hasMessageContaining("no such prepared statement");
            assertThatThrownBy(() -> rows(ticket, thief)).isInstanceOf(FlightRuntimeException.class)
                    .hasMessageContaining("no such prepared statement");
            Action close = new Action(FlightSqlUtils.FLIGHT_SQL_CLOSE_PREPARED_STATEMENT.getType(), Any.pack(
                    FlightSql.ActionClosePreparedStatementRequest.newBuilder().setPreparedStatementHandle(handle).build())
                    .toByteArray());
            assertThatThrownBy(() -> flight.doAction(close, thief).forEachRemaining(r -> {}))
                    .isInstanceOf(FlightRuntimeException.class);
            // The owner's statement is intact.
            assertThat(rows(ticket, owner)).containsExactly(List.of(4L));
            assertThat(rows(p.execute(owner), owner)).containsExactly(List.of(4L));
            p.close(owner);
        }
    }

    /**
     * Another session, over Flight or JDBC, can neither list, read, write nor describe a session's
     * upload: plain SQL naming the upload schema is refused as a missing object (42S02 / NOT_FOUND),
     * and no "did you mean" names it. The owner's table is untouched.
     */
    @Test
    void anotherSessionsUploadCannotBeListedReadWrittenOrDescribed() throws Exception {
        upload("iso-owner", "secret_labels", 5);
        String schema = TestGateway.uploadSchema("iso-owner");
        String table = "lake." + schema + ".secret_labels";
        CallOption other = session("iso-other");
        List<String> statements = List.of("SELECT label_id FROM " + table, "INSERT INTO " + table + " VALUES (6)",
                "UPDATE " + table + " SET label_id = 0", "DELETE FROM " + table, "DROP TABLE " + table,
                "DESCRIBE " + table, "SELECT 1 AS n FROM \"" + schema + "\".secret_labels");
        for (String sql : statements) {
            assertThatThrownBy(() -> {
                if (sql.startsWith("SELECT") || sql.startsWith("DESCRIBE")) {
                    client.execute(sql, other);
                } else {
                    client.executeUpdate(sql, other);
                }
            }).as(sql).isInstanceOf(FlightRuntimeException.class)
                    .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
                            .isEqualTo(CallStatus.NOT_FOUND.code()));
        }
        // Unqualified, the name is unknown to the other session, and no candidate names the upload.
        assertThatThrownBy(() -> client.execute("SELECT label_id FROM secret_label", other))
                .isInstanceOf(FlightRuntimeException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("asof_session").doesNotContain("secret_labels"));
        assertThat(rows(client.getSchemas(null, null, other), other).toString()).doesNotContain(schema);
        assertThat(rows(client.getTables(null, null, "secret%", null, false, other), other)).isEmpty();

        try (java.sql.Connection jdbc = TestGateway.jdbc(gateway.jdbcUrl());
                java.sql.Statement st = jdbc.createStatement()) {
            for (String sql : statements) {
                assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(java.sql.SQLException.class)
                        .satisfies(e -> assertThat(((java.sql.SQLException) e).getSQLState()).isEqualTo("42S02"));
            }
            try (java.sql.ResultSet rs = jdbc.getMetaData().getSchemas()) {
                while (rs.next()) {
                    assertThat(rs.getString("TABLE_SCHEM")).isNotEqualToIgnoringCase(schema);
                }
            }
            try (java.sql.ResultSet rs = jdbc.getMetaData().getTables(null, null, "secret%", null)) {
                assertThat(rs.next()).isFalse();
            }
        }
        // The owner sees its table as it uploaded it.
        CallOption owner = session("iso-owner");
        assertThat(rows(client.execute("SELECT label_id FROM " + table, owner), owner)).containsExactly(List.of(5L));
        assertThat(rows(client.getTables(null, null, "secret%", null, false, owner), owner)).hasSize(1);
    }

    private static void upload(String session, String table, long value) {
        Schema schema = new Schema(List.of(new Field("label_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            ((BigIntVector) root.getVector(0)).setSafe(0, value);
            root.setRowCount(1);
            long n = client.executeIngest(root, new FlightSqlClient.ExecuteIngestOptions(table,
                    TableDefinitionOptions.newBuilder()
                            .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                            .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build(),
                    true, null, null, Map.of()), session(session));
            assertThat(n).isEqualTo(1);
        }
    }

    private static List<List<Object>> rows(FlightInfo info, CallOption session) throws Exception {
        return rows(client, info, session);
    }

    private static List<List<Object>> rows(FlightSqlClient sql, FlightInfo info, CallOption session) throws Exception {
        return rows(sql, info.getEndpoints().get(0).getTicket(), session);
    }

    private static List<List<Object>> rows(Ticket ticket, CallOption session) throws Exception {
        return rows(client, ticket, session);
    }

    private static List<List<Object>> rows(FlightSqlClient sql, Ticket ticket, CallOption session) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (FlightStream stream = sql.getStream(ticket, session)) {
            while (stream.next()) {
                VectorSchemaRoot root = stream.getRoot();
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<Object> row = new ArrayList<>();
                    for (var v : root.getFieldVectors()) {
                        row.add(v.getObject(r));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
