package dev.asof.connector.duckdb;

import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.LoadMode;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorContract;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** {@link WarehouseConnectorContract} on an embedded DuckDB file under a temporary directory. */
class DuckDbConnectorContractTest extends WarehouseConnectorContract {
    private static final int POOL_SIZE = 3;

    @TempDir
    Path dir;

    private WarehouseConnector connector;

    @Override
    protected WarehouseConnector openConnector() {
        connector = DuckDbConnector.open(dir.resolve("contract.duckdb"), POOL_SIZE);
        return connector;
    }

    @Override
    protected SchemaName testSchema() {
        return new SchemaName("contract", "main");
    }

    /** DuckDB's own way in: {@code CREATE TABLE}, then the rows through the appender (bulk load). */
    @Override
    protected void createTable(TableName table, String columnsDdl, List<Object[]> rows) {
        connector.executeUpdate("CREATE TABLE " + quoted(table) + " (" + columnsDdl + ")", QueryControl.none());
        List<ColumnMetadata> columns = connector.describeTable(table).orElseThrow();
        connector.bulkLoad(table, columns, LoadMode.APPEND, rows.iterator());
    }

    /** Minutes of work before the first row: the aggregate must read the whole range. */
    @Override
    protected String longRunningQuery() {
        return "SELECT sum(a) FROM range(10000000000000) t(a)";
    }

    @Override
    protected String rowsQuery(int n) {
        return "SELECT a AS n FROM range(1, " + (n + 1) + ") t(a)";
    }

    @Override
    protected String castErrorMessage() {
        return "Conversion Error: Could not convert string 'x' to INT32";
    }

    @Override
    protected String timestampWithTimeZoneLiteral(OffsetDateTime value) {
        return "TIMESTAMPTZ '" + value.toLocalDate() + " " + value.toLocalTime() + value.getOffset() + "'";
    }

    @Override
    protected int poolSize() {
        return POOL_SIZE;
    }
}
