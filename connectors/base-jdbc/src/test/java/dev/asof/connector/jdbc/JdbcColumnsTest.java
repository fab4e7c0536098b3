package dev.asof.connector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.spi.ColumnMetadata;
import java.lang.reflect.Proxy;
import java.sql.JDBCType;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcColumnsTest {
    /** Metadata of columns given as (label, type code, type name, precision, scale). */
    private static ResultSetMetaData metadata(Object[]... columns) {
        return (ResultSetMetaData) Proxy.newProxyInstance(JdbcColumnsTest.class.getClassLoader(),
                new Class<?>[] {ResultSetMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getColumnCount" -> columns.length;
                    case "getColumnLabel" -> columns[(int) args[0] - 1][0];
                    case "getColumnType" -> columns[(int) args[0] - 1][1];
                    case "getColumnTypeName" -> columns[(int) args[0] - 1][2];
                    case "getPrecision" -> columns[(int) args[0] - 1][3];
                    case "getScale" -> columns[(int) args[0] - 1][4];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void columnsKeepLabelsTypeNamesPrecisionAndScale() throws SQLException {
        List<ColumnMetadata> columns = JdbcColumns.of(metadata(
                new Object[] {"id", Types.BIGINT, "bigint", 19, 0},
                new Object[] {"amount", Types.DECIMAL, "decimal(10,2)", 10, 2},
                new Object[] {"odd", 1111_1111, "geometry", 0, 0}), JdbcColumns.STANDARD);

        assertThat(columns).containsExactly(
                new ColumnMetadata("id", JDBCType.BIGINT, "bigint", 19, 0),
                new ColumnMetadata("amount", JDBCType.DECIMAL, "decimal(10,2)", 10, 2),
                new ColumnMetadata("odd", JDBCType.OTHER, "geometry", 0, 0));
    }

    @Test
    void anEngineMappingDecidesFromTheTypeName() throws SQLException {
        JdbcColumns.TypeMapping mapping = (code, name) -> name.endsWith("with time zone")
                ? JDBCType.TIMESTAMP_WITH_TIMEZONE : JdbcColumns.standard(code);
        List<ColumnMetadata> columns = JdbcColumns.of(metadata(
                new Object[] {"at", Types.TIMESTAMP, "timestamp(6) with time zone", 6, 0}), mapping);

        assertThat(columns.get(0).jdbcType()).isEqualTo(JDBCType.TIMESTAMP_WITH_TIMEZONE);
        assertThat(columns.get(0).typeName()).isEqualTo("timestamp(6) with time zone");
    }

    @Test
    void noMetadataIsNoColumns() throws SQLException {
        assertThat(JdbcColumns.of(null, JdbcColumns.STANDARD)).isEmpty();
    }
}
