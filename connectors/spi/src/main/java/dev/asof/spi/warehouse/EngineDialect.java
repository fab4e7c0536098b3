package dev.asof.spi.warehouse;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * What differs between warehouses in the SQL the planner generates: each warehouse connector
 * brings one ({@link WarehouseConnector#dialect()}). The PIT plan shape is the same on every
 * engine; only these pieces are spelled per engine, as Calcite trees (never text).
 */
public interface EngineDialect {
    /** Engine name, as EXPLAIN shows it. */
    String name();

    /** Calcite's unparser settings for this engine (quoting, literals, casts). */
    SqlDialect sqlDialect();

    /**
     * A time value as an instant that orders exactly (microsecond precision, no rounding), in a
     * form every instant this dialect produces compares with: epoch microseconds on DuckDB,
     * {@code TIMESTAMP WITH TIME ZONE} on Trino.
     *
     * @param type the value's type: {@code TIMESTAMP} is read as UTC, {@code DATE} as its midnight UTC
     */
    SqlNode instant(SqlNode value, JDBCType type);

    /**
     * {@link #instant(SqlNode, JDBCType)} in a plan whose compared times all have one of the types
     * {@code together} ({@code value}'s among them): an engine may pick a cheaper form that orders
     * the same for those types only, e.g. plain timestamps as they are when none has a zone (they
     * order as their UTC instants). Every instant one plan compares, and {@link #instantMinus} of
     * them, must be made with the same {@code together}. By default the form of
     * {@link #instant(SqlNode, JDBCType)}, which compares with every other.
     */
    default SqlNode instant(SqlNode value, JDBCType type, Set<JDBCType> together) {
        return instant(value, type);
    }

    /**
     * A time value as exact epoch microseconds, a {@code BIGINT}: the integer arithmetic of
     * windowed aggregates (tiles of the hop grid) needs it. A plain TIMESTAMP is read as UTC, a
     * DATE as its midnight UTC; times before 1970 are negative.
     */
    SqlNode epochMicros(SqlNode value, JDBCType type);

    /** The MD5 digest of a string's UTF-8 bytes as 32 hex digits (either case). */
    SqlNode md5Hex(SqlNode text);

    /** A string of at most 15 hex digits as a {@code BIGINT}. */
    SqlNode hexToBigint(SqlNode hex);

    /** The instant {@code duration} before {@code instant} (an expression made by {@link #instant}). */
    SqlNode instantMinus(SqlNode instant, java.time.Duration duration);

    /** Aggregate: the {@code value} of the row with the greatest {@code key}. */
    SqlNode argMax(SqlNode value, SqlNode key);

    /** Aggregate: an estimate of the number of distinct non-null {@code value}s (a sketch where the engine has one). */
    SqlNode approxDistinct(SqlNode value);

    /**
     * Aggregate: an estimate of the {@code quantile} (0 to 1) of the non-null values of
     * {@code value}, a {@code DOUBLE} expression.
     */
    SqlNode approxQuantile(SqlNode value, double quantile);

    /** A composite sort key compared field by field; any field may be NULL. */
    SqlNode orderingKey(java.util.List<SqlNode> fields);

    /**
     * The ordering key of the latest-value tie rule: {@code fields} first (never NULL, e.g. the
     * event and created instants), then each of {@code values} with NULL lowest, then by value. By
     * default {@link #orderingKey} of the fields followed by {@code value IS NOT NULL, value} for
     * each value.
     */
    default SqlNode tieKey(List<SqlNode> fields, List<TieValue> values) {
        List<SqlNode> all = new ArrayList<>(fields);
        for (TieValue v : values) {
            all.add(SqlStdOperatorTable.IS_NOT_NULL.createCall(SqlParserPos.ZERO, v.value()));
            all.add(v.value().clone(SqlParserPos.ZERO));
        }
        return orderingKey(all);
    }

    /**
     * A constant of {@code type} that the engine orders as a scalar, to stand in for NULL in an
     * ordering key next to a flag {@code value IS NOT NULL} (so that no field of the key is NULL);
     * empty for types without one here (by default all).
     */
    default Optional<SqlNode> tieStandIn(JDBCType type) {
        return Optional.empty();
    }

    /**
     * The distance from a value of the time column {@code column} to the next value it can hold
     * (one day for a {@code DATE}), as a window frame offset
     * ({@code RANGE BETWEEN … AND step PRECEDING}) that the engine evaluates exactly over that
     * column's values as ordered: then "every row strictly before the current row's time" is one
     * frame. Empty where the engine's offsets cannot express it exactly (by default always).
     */
    default Optional<SqlNode> timeStep(ColumnMetadata column) {
        return Optional.empty();
    }

    /**
     * The relation that reads a file source.
     *
     * @throws UnsupportedOperationException when the engine cannot read files
     */
    SqlNode fileRelation(String path, FileFormat format);
}
