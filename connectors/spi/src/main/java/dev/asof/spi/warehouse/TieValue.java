package dev.asof.spi.warehouse;

import static java.util.Objects.requireNonNull;

import java.sql.JDBCType;
import org.apache.calcite.sql.SqlNode;

/**
 * A value of a tie-rule ordering key ({@link EngineDialect#tieKey}) that may be NULL.
 *
 * @param value the expression
 * @param type its type, as the warehouse reports it
 */
public record TieValue(SqlNode value, JDBCType type) {
    public TieValue {
        requireNonNull(value, "value");
        requireNonNull(type, "type");
    }
}
