package dev.asof.gateway.server.avatica;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compact result frames: the asof driver reads every value of a result that spans several frames
 * exactly as before (every wire type, NULLs, non-ASCII text, microsecond and zoned
 * timestamps); a stock Avatica client on the same gateway gets Avatica's frames and the same
 * values; and a compact frame's bytes travel once, where Avatica's serialization sends them four
 * times, in a message Avatica's own parser reads back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompactFramesTest {
    /** More than two frames ({@code AsofMeta}'s frames hold at least 10,000 rows). */
    private static final int ROWS = 25_003;
    private static final String TABLE = "CREATE TABLE lake.main.frames AS SELECT i AS id, CAST(i % 1000 - 500 AS INTEGER) AS n,"
            + " CAST(i % 100 AS SMALLINT) AS s, CAST(i % 100 AS TINYINT) AS t, i / 8.0 AS dbl, CAST(i / 4.0 AS REAL) AS r,"
            + " CAST(i / 1000.0 AS DECIMAL(18,3)) AS dec_v, 'é-' || i AS txt, i % 2 = 0 AS b,"
            + " DATE '2024-02-29' + CAST(i % 400 AS INTEGER) AS dt,"
            + " TIME '13:14:15.25' AS tod, TIMESTAMP '2024-02-29 01:02:03.123456' + to_microseconds(i) AS ts,"
            + " TIMESTAMPTZ '2024-02-29 01:02:03.654321+00' + to_microseconds(i) AS tz, [i, i + 1] AS arr"
            + " FROM range(" + ROWS + ") t(i)";

    @TempDir
    Path dir;

    @Test
    void theDriverReadsEveryValueOfAResultOfManyFrames() throws Exception {
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)));
                Connection c = TestUsers.connect(gateway.jdbcUrl());
                Statement st = c.createStatement()) {
            st.execute(TABLE);
            ResultSet rs = st.executeQuery("SELECT * FROM lake.main.frames ORDER BY id");
            int i = 0;
            while (rs.next()) {
                assertThat(rs.getLong("id")).isEqualTo(i);
                assertThat(rs.getObject("n")).isEqualTo(i % 1000 - 500);
                assertThat(rs.getShort("s")).isEqualTo((short) (i % 100));
                assertThat(rs.getByte("t")).isEqualTo((byte) (i % 100));
                assertThat(rs.getDouble("dbl")).isEqualTo(i / 8.0);
                assertThat(rs.getFloat("r")).isEqualTo(i / 4.0f);
                assertThat(rs.getBigDecimal("dec_v")).isEqualTo(BigDecimal.valueOf(i, 3));
                assertThat(rs.getString("txt")).isEqualTo("é-" + i);
                assertThat(rs.getBoolean("b")).isEqualTo(i % 2 == 0);
                assertThat(rs.getObject("dt", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29).plusDays(i % 400));
                assertThat(rs.getObject("tod", LocalTime.class)).isEqualTo(LocalTime.of(13, 14, 15, 250_000_000));
                assertThat(rs.getObject("ts", LocalDateTime.class))
                        .isEqualTo(LocalDateTime.of(2024, 2, 29, 1, 2, 3, 123_456_000).plusNanos(i * 1_000L));
                assertThat(rs.getObject("tz", OffsetDateTime.class)).isEqualTo(
                        OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 654_321_000, ZoneOffset.UTC).plusNanos(i * 1_000L));
                // The gateway sends arrays as their text.
                assertThat(rs.getString("arr")).isEqualTo("[" + i + ", " + (i + 1) + "]");
                i++;
            }
            assertThat(i).isEqualTo(ROWS);
        }
    }

    @Test
    void nullsInEveryColumnAndAStockAvaticaClientGetTheSameValues() throws Exception {
        String table = "CREATE TABLE lake.main.nulls AS SELECT i AS pos, CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS id,"
                + " CASE WHEN i % 3 = 1 THEN NULL ELSE 'x' || i END AS txt,"
                + " CASE WHEN i % 3 = 2 THEN NULL ELSE i / 2.0 END AS dbl,"
                + " CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2025-01-01' END AS dt"
                + " FROM range(12001) t(i)";
        String withNulls = "SELECT id, txt, dbl, dt FROM lake.main.nulls ORDER BY pos";
        try (AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(dir)));
                Connection asof = TestUsers.connect(gateway.jdbcUrl());
                Connection stock = DriverManager.getConnection("jdbc:avatica:remote:url=http://127.0.0.1:"
                        + gateway.jdbcPort() + ";serialization=PROTOBUF;authentication=BASIC;avatica_user="
                        + TestUsers.ADMIN + ";avatica_password=" + TestUsers.PASSWORD)) {
            try (Statement st = asof.createStatement()) {
                st.execute(table);
            }
            List<List<Object>> fromAsof = rows(asof, withNulls);
            List<List<Object>> fromStock = rows(stock, withNulls);
            assertThat(fromAsof).hasSize(12001).isEqualTo(fromStock);
            assertThat(fromAsof.get(3)).containsExactly(null, "x3", 1.5, null);
            assertThat(fromAsof.get(4)).containsExactly(4L, null, 2.0, "2025-01-01");
            assertThat(fromAsof.get(5)).containsExactly(5L, "x5", null, "2025-01-01");
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Object id = rs.getObject(1);
                rows.add(Arrays.asList(id == null ? null : ((Number) id).longValue(), rs.getString(2),
                        (Double) rs.getObject(3), rs.getString(4)));
            }
        }
        return rows;
    }

    @Test
    void aCompactFrameTravelsOnceAndAvaticasParserReadsIt() throws Exception {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(new Object[] {(long) i, "v" + i, i * 0.5, null});
        }
        Iterable<Object> compact = CompactFrames.encode(rows, 4);
        byte[] blob = ((CompactFrames.CompactRows) compact).frame();
        Meta.Frame frame = new Meta.Frame(10_000, false, compact);
        ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();
        byte[] ours = new CompactFrames.Translation(avatica).serializeResponse(
                new Service.FetchResponse(frame, false, false, null));
        byte[] theirs = avatica.serializeResponse(new Service.FetchResponse(
                Meta.Frame.create(10_000, false, Collections.singletonList(new Object[] {blob})), false, false, null));
        // Avatica: twice as bytes, twice as Base64 (4/3 each); ours: once.
        assertThat(theirs.length).as("Avatica's %d bytes for a %d-byte frame", theirs.length, blob.length)
                .isGreaterThan(4 * blob.length);
        assertThat(ours.length).as("%d bytes for a %d-byte frame", ours.length, blob.length)
                .isLessThan(blob.length + 200);

        Service.FetchResponse back = (Service.FetchResponse) avatica.parseResponse(ours);
        assertThat(back.frame.offset).isEqualTo(10_000);
        assertThat(back.frame.done).isFalse();
        List<?> row = (List<?>) back.frame.rows.iterator().next();
        assertThat(row).hasSize(1);
        assertThat((byte[]) row.get(0)).isEqualTo(blob);
    }

    /**
     * An execute's first frame goes through Avatica's {@code LocalService}, which copies rows that
     * are not a {@code List}: the compact rows must survive it to be written once.
     */
    @Test
    void anExecuteResponsesFirstFrameTravelsOnceToo() throws Exception {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Object[] {(long) i, "v" + i, i * 0.5, null});
        }
        Iterable<Object> compact = CompactFrames.encode(rows, 4);
        byte[] blob = ((CompactFrames.CompactRows) compact).frame();
        Meta.Signature signature = Meta.Signature.create(List.of(), "SELECT 1", List.of(), Meta.CursorFactory.LIST,
                Meta.StatementType.SELECT);
        // As AsofMeta's execute result becomes the response.
        Service.ResultSetResponse result = new org.apache.calcite.avatica.remote.LocalService(null).toResponse(
                Meta.MetaResultSet.create("c", 1, true, signature, new Meta.Frame(0, true, compact)));
        ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();

        byte[] ours = new CompactFrames.Translation(avatica).serializeResponse(
                new Service.ExecuteResponse(List.of(result), false, null));

        assertThat(ours.length).as("%d bytes for a %d-byte frame", ours.length, blob.length)
                .isLessThan(blob.length + 200);
        Service.ExecuteResponse back = (Service.ExecuteResponse) avatica.parseResponse(ours);
        List<?> row = (List<?>) back.results.get(0).firstFrame.rows.iterator().next();
        assertThat((byte[]) row.get(0)).isEqualTo(blob);
        assertThat(back.results.get(0).firstFrame.done).isTrue();
    }

    /**
     * The responses the translation writes itself are, byte for byte, Avatica's own message with
     * the frame's one value as protobuf bytes: every other field (ids, signature, update count,
     * server address, missing flags) as Avatica writes it.
     */
    @Test
    void responsesWrittenInOnePassAreAvaticasMessageWithTheFrameSwapped() throws Exception {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(new Object[] {(long) i, "v" + i, i * 0.5, null});
        }
        CompactFrames.CompactRows compact = (CompactFrames.CompactRows) CompactFrames.encode(rows, 4);
        Service.RpcMetadataResponse server = new Service.RpcMetadataResponse("gateway:8765");
        Meta.Signature signature = Meta.Signature.create(List.of(), "SELECT * FROM v WHERE k = ?", List.of(),
                Meta.CursorFactory.LIST, Meta.StatementType.SELECT);
        Meta.Frame plain = Meta.Frame.create(0, true, Collections.singletonList(new Object[] {7L, "x", 1.5, null}));
        ProtobufTranslationImpl avatica = new ProtobufTranslationImpl();
        CompactFrames.Translation translation = new CompactFrames.Translation(avatica);

        Service.ExecuteResponse execute = new Service.ExecuteResponse(List.of(
                new Service.ResultSetResponse("conn-1", 7, true, null, new Meta.Frame(0, true, compact), -1, server),
                new Service.ResultSetResponse("conn-1", 8, false, signature, plain, -1, null),
                new Service.ResultSetResponse(null, 9, false, signature, new Meta.Frame(20, false, compact), -1, server)),
                false, server);
        Responses.ExecuteResponse.Builder expected = Responses.ExecuteResponse.parseFrom(
                Common.WireMessage.parseFrom(avatica.serializeResponse(execute)).getWrappedMessage()).toBuilder();
        expected.getResultsBuilder(0).setFirstFrame(compactFrame(0, true, compact.frame()));
        expected.getResultsBuilder(2).setFirstFrame(compactFrame(20, false, compact.frame()));
        assertThat(translation.serializeResponse(execute)).isEqualTo(wire(avatica.serializeResponse(execute),
                expected.build()));

        for (Service.RpcMetadataResponse metadata : Arrays.asList(server, null)) {
            Service.FetchResponse fetch = new Service.FetchResponse(new Meta.Frame(10_000, false, compact), false, true,
                    metadata);
            Responses.FetchResponse.Builder fetched = Responses.FetchResponse.parseFrom(
                    Common.WireMessage.parseFrom(avatica.serializeResponse(fetch)).getWrappedMessage()).toBuilder();
            fetched.setFrame(compactFrame(10_000, false, compact.frame()));
            assertThat(translation.serializeResponse(fetch)).isEqualTo(wire(avatica.serializeResponse(fetch),
                    fetched.build()));
        }

        // Responses without a compact frame are Avatica's, unchanged.
        Service.ExecuteResponse noCompact = new Service.ExecuteResponse(List.of(
                new Service.ResultSetResponse("conn-1", 8, false, signature, plain, -1, server)), false, server);
        assertThat(translation.serializeResponse(noCompact)).isEqualTo(avatica.serializeResponse(noCompact));
    }

    /** A frame of one row holding {@code blob} as protobuf bytes, as the driver reads a compact frame. */
    private static Common.Frame compactFrame(long offset, boolean done, byte[] blob) {
        return Common.Frame.newBuilder().setOffset(offset).setDone(done)
                .addRows(Common.Row.newBuilder().addValue(Common.ColumnValue.newBuilder().setScalarValue(
                        Common.TypedValue.newBuilder().setType(Common.Rep.BYTE_STRING)
                                .setBytesValue(com.google.protobuf.ByteString.copyFrom(blob)))))
                .build();
    }

    /** {@code message} in the envelope of Avatica's {@code serialized} response. */
    private static byte[] wire(byte[] serialized, com.google.protobuf.Message message) throws Exception {
        return Common.WireMessage.parseFrom(serialized).toBuilder().setWrappedMessage(message.toByteString()).build()
                .toByteArray();
    }
}
