package dev.asof.planner.ddl;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlEntityColumn;
import dev.asof.planner.sql.Nodes;
import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Columns declared in DDL as {@code name TYPE} (a push source's columns, a request-time view's
 * request columns), each statement accepting its own list of types.
 */
final class DeclaredColumns {
    private DeclaredColumns() {}

    /**
     * The column {@code c} declares, named {@code name}: {@code CHAR} is carried as {@code VARCHAR},
     * {@code FLOAT} as {@code REAL}, a {@code DECIMAL} without precision is {@code DECIMAL(18, 0)}.
     *
     * @param allowed the types this statement takes, in the order the error message lists them
     * @param what how the error names the column, e.g. "request column"
     * @throws AsofException {@link ErrorCode#INVALID_DEFINITION} for any other type
     */
    static ColumnMetadata of(String name, SqlEntityColumn c, List<JDBCType> allowed, String what) {
        SqlTypeName type = SqlTypeName.get(c.type().getTypeName().getSimple().toUpperCase(Locale.ROOT));
        JDBCType jdbc = type == null ? null : switch (type) {
            case BIGINT -> JDBCType.BIGINT;
            case INTEGER -> JDBCType.INTEGER;
            case SMALLINT -> JDBCType.SMALLINT;
            case DOUBLE -> JDBCType.DOUBLE;
            case REAL, FLOAT -> JDBCType.REAL;
            case DECIMAL -> JDBCType.DECIMAL;
            case BOOLEAN -> JDBCType.BOOLEAN;
            case VARCHAR, CHAR -> JDBCType.VARCHAR;
            case DATE -> JDBCType.DATE;
            case TIMESTAMP -> JDBCType.TIMESTAMP;
            default -> null;
        };
        if (jdbc == null || !allowed.contains(jdbc)) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.type()) + what + " '" + name
                    + "' has type " + c.type().getTypeName().getSimple() + "; " + what + "s are "
                    + allowed.stream().map(JDBCType::getName).collect(Collectors.joining(", ")));
        }
        int precision = 0;
        int scale = 0;
        if (c.type().getTypeNameSpec() instanceof SqlBasicTypeNameSpec b) {
            precision = Math.max(b.getPrecision(), 0);
            scale = Math.max(b.getScale(), 0);
        }
        if (jdbc == JDBCType.DECIMAL && precision == 0) {
            precision = 18;
        }
        return new ColumnMetadata(name, jdbc, jdbc.getName(), precision, scale);
    }
}
