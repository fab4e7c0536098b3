package dev.asof.connector.trino;

import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorContract;
import java.sql.JDBCType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link WarehouseConnectorContract} on the shared test Trino 476, tables in its {@code memory} catalog. */
class TrinoConnectorContractTest extends WarehouseConnectorContract {
    private static final int POOL_SIZE = 3;

    private WarehouseConnector connector;

    @Override
    protected WarehouseConnector openConnector() {
        TrinoSettings settings = new TrinoSettings(TestingTrinoServer.shared().jdbcUrl(), "asof-contract",
                Optional.of("memory"), Optional.of("default"), Map.of(), POOL_SIZE, Optional.empty());
        connector = TrinoConnector.open(settings);
        return connector;
    }

    @Override
    protected SchemaName testSchema() {
        return new SchemaName("memory", "default");
    }

    @Override
    protected void createTable(TableName table, String columnsDdl, List<Object[]> rows) {
        connector.executeUpdate("CREATE TABLE " + quoted(table) + " (" + columnsDdl + ")", QueryControl.none());
        if (!rows.isEmpty()) {
            connector.executeUpdate(insertSql(table, rows), QueryControl.none());
        }
    }

    /** Trino's plain TIMESTAMP has millisecond precision; the suite's values have microseconds. */
    @Override
    protected String sqlType(JDBCType type) {
        return switch (type) {
            case TIMESTAMP -> "TIMESTAMP(6)";
            case TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP(6) WITH TIME ZONE";
            default -> super.sqlType(type);
        };
    }

    /** Minutes of work: a cross join over tpch.tiny. */
    @Override
    protected String longRunningQuery() {
        return "SELECT count(*) FROM tpch.tiny.orders a CROSS JOIN tpch.tiny.orders b CROSS JOIN tpch.tiny.nation c"
                + " WHERE a.totalprice + b.totalprice > c.nationkey";
    }

    /** {@code sequence} makes at most 10,000 elements: a grid of two. */
    @Override
    protected String rowsQuery(int n) {
        int width = 1_000;
        return "SELECT n FROM (SELECT a * " + width + " + b + 1 AS n FROM UNNEST(sequence(0, " + ((n - 1) / width)
                + ")) x(a) CROSS JOIN UNNEST(sequence(0, " + (width - 1) + ")) y(b)) WHERE n <= " + n;
    }

    @Override
    protected String castErrorMessage() {
        return "Cannot cast 'x' to INT";
    }

    @Override
    protected String timestampWithTimeZoneLiteral(OffsetDateTime value) {
        return "TIMESTAMP '" + value.toLocalDate() + " " + value.toLocalTime() + " " + value.getOffset() + "'";
    }

    @Override
    protected int poolSize() {
        return POOL_SIZE;
    }
}
