package dev.asof.planner.sql;

import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.spi.warehouse.FileFormat;
import java.sql.JDBCType;
import java.util.List;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/** DuckDB spellings. Connections run with {@code TimeZone = 'UTC'}, so plain TIMESTAMP is UTC. */
public final class DuckDbDialect implements EngineDialect {
    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public SqlDialect sqlDialect() {
        return DuckDBSqlDialect.DEFAULT;
    }

    @Override
    public SqlNode instant(SqlNode value, JDBCType type) {
        SqlNode v = type == JDBCType.DATE ? Nodes.cast(value, SqlTypeName.TIMESTAMP) : value;
        return Nodes.function("EPOCH_US", v);
    }

    /** {@code EPOCH_US} is already exact microseconds. */
    @Override
    public SqlNode epochMicros(SqlNode value, JDBCType type) {
        return instant(value, type);
    }

    @Override
    public SqlNode md5Hex(SqlNode text) {
        return Nodes.function("MD5", text);
    }

    /** DuckDB casts {@code '0x…'} text to integers. */
    @Override
    public SqlNode hexToBigint(SqlNode hex) {
        return Nodes.cast(SqlStdOperatorTable.CONCAT.createCall(Nodes.POS, SqlLiteral.createCharString("0x", Nodes.POS), hex),
                SqlTypeName.BIGINT);
    }

    @Override
    public SqlNode instantMinus(SqlNode instant, java.time.Duration duration) {
        long micros = Math.multiplyExact(duration.getSeconds(), 1_000_000L) + duration.getNano() / 1_000L;
        return org.apache.calcite.sql.fun.SqlStdOperatorTable.MINUS.createCall(Nodes.POS, instant, Nodes.number(micros));
    }

    @Override
    public SqlNode argMax(SqlNode value, SqlNode key) {
        // ARG_MAX skips NULL values; a NULL feature in the latest row must stay NULL.
        return Nodes.function("ARG_MAX_NULL", value, key);
    }

    @Override
    public SqlNode orderingKey(List<SqlNode> fields) {
        return SqlStdOperatorTable.ROW.createCall(Nodes.POS, fields);
    }

    @Override
    public SqlNode fileRelation(String path, FileFormat format) {
        String function = switch (format) {
            case CSV -> "READ_CSV";
            case PARQUET -> "READ_PARQUET";
        };
        return Nodes.function(function, SqlLiteral.createCharString(path, Nodes.POS));
    }
}
