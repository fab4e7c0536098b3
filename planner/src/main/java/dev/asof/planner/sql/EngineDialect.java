package dev.asof.planner.sql;

import dev.asof.planner.catalog.SourceLocation;
import java.sql.JDBCType;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;

/**
 * What differs between warehouses in the SQL the planner generates. The PIT plan shape is the
 * same on every engine; only these pieces are spelled per engine.
 */
public interface EngineDialect {
    /** Engine name, as EXPLAIN shows it. */
    String name();

    /** Calcite's unparser settings for this engine (quoting, literals, casts). */
    SqlDialect sqlDialect();

    /**
     * Microseconds since 1970-01-01T00:00:00Z of a time value, as an exact integer.
     *
     * @param type the value's type: {@code TIMESTAMP} is read as UTC, {@code DATE} as its midnight UTC
     */
    SqlNode epochMicros(SqlNode value, JDBCType type);

    /** Aggregate: the {@code value} of the row with the greatest {@code key}. */
    SqlNode argMax(SqlNode value, SqlNode key);

    /** A composite sort key compared field by field. */
    SqlNode orderingKey(java.util.List<SqlNode> fields);

    /** The relation that reads a file source. */
    SqlNode fileRelation(SourceLocation.File file);
}
