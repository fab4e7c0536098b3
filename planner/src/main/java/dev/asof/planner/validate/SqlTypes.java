package dev.asof.planner.validate;

import dev.asof.spi.ColumnMetadata;
import java.sql.JDBCType;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** Maps warehouse column types to Calcite's types for validation and generated casts. */
public final class SqlTypes {
    private SqlTypes() {}

    static RelDataType rowType(RelDataTypeFactory factory, List<ColumnMetadata> columns) {
        RelDataTypeFactory.Builder b = factory.builder();
        for (ColumnMetadata c : columns) {
            b.add(c.name(), factory.createTypeWithNullability(type(factory, c), true));
        }
        return b.build();
    }

    static RelDataType type(RelDataTypeFactory factory, ColumnMetadata c) {
        SqlTypeName name = sqlTypeName(c.jdbcType());
        if (name == SqlTypeName.DECIMAL && c.precision() > 0) {
            return factory.createSqlType(name, c.precision(), c.scale());
        }
        if (name == SqlTypeName.VARCHAR) {
            return factory.createSqlType(name);
        }
        return factory.createSqlType(name);
    }

    /** The Calcite type name for a JDBC type; {@code ANY} for what Calcite cannot type. */
    public static SqlTypeName sqlTypeName(JDBCType type) {
        return switch (type) {
            case BIGINT -> SqlTypeName.BIGINT;
            case INTEGER -> SqlTypeName.INTEGER;
            case SMALLINT -> SqlTypeName.SMALLINT;
            case TINYINT -> SqlTypeName.TINYINT;
            case BOOLEAN, BIT -> SqlTypeName.BOOLEAN;
            case DOUBLE, FLOAT -> SqlTypeName.DOUBLE;
            case REAL -> SqlTypeName.REAL;
            case DECIMAL, NUMERIC -> SqlTypeName.DECIMAL;
            case CHAR, VARCHAR, LONGVARCHAR, NCHAR, NVARCHAR -> SqlTypeName.VARCHAR;
            case DATE -> SqlTypeName.DATE;
            case TIME -> SqlTypeName.TIME;
            case TIMESTAMP -> SqlTypeName.TIMESTAMP;
            case TIMESTAMP_WITH_TIMEZONE -> SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
            case BINARY, VARBINARY, LONGVARBINARY, BLOB -> SqlTypeName.VARBINARY;
            default -> SqlTypeName.ANY;
        };
    }
}
