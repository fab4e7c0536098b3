package dev.asof.planner.ddl;

import dev.asof.planner.catalog.Push;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlCreateSource;
import dev.asof.planner.parser.SqlEntityColumn;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.PushDefinition;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.planner.catalog.SourceLocation;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Checks {@code CREATE SOURCE name (col type, ...) EVENT TIME col PUSH [IDEMPOTENCY KEY col]}:
 * column types asof can carry through its write-ahead log, no name twice, none of asof's own
 * columns, an event time that is a declared TIMESTAMP or DATE and an idempotency key that is a
 * declared column. The source's location is its name; the gateway places the table.
 */
final class PushSourcePlanner {
    private PushSourcePlanner() {}

    static PlannedStatement.CreateSource plan(SqlCreateSource node, String ddl) {
        List<ColumnMetadata> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SqlEntityColumn c : node.pushColumns()) {
            String name = c.name().getSimple();
            if (name.equalsIgnoreCase(Push.CREATED_TIME) || name.equalsIgnoreCase(Push.SEQUENCE)) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.name()) + "column name '" + name
                        + "' is asof's own in a push source (" + Push.CREATED_TIME + " holds the arrival time)");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.name()) + "column '" + name
                        + "' is declared twice");
            }
            columns.add(column(name, c));
        }
        List<String> names = columns.stream().map(ColumnMetadata::name).toList();
        String eventName = node.eventTime().getSimple();
        ColumnMetadata event = find(columns, eventName).orElseThrow(() -> new AsofException(ErrorCode.INVALID_SOURCE,
                Nodes.position(node.eventTime()) + "EVENT TIME column '" + eventName + "' is not a declared column"
                        + NameSuggestions.hint(eventName, names)));
        if (event.jdbcType() != JDBCType.TIMESTAMP && event.jdbcType() != JDBCType.DATE) {
            throw new AsofException(ErrorCode.INVALID_SOURCE, Nodes.position(node.eventTime()) + "EVENT TIME column '"
                    + event.name() + "' has type " + event.typeName() + "; it must be a TIMESTAMP or DATE");
        }
        Optional<String> key = Optional.empty();
        SqlIdentifier keyNode = node.idempotencyKey();
        if (keyNode != null) {
            String keyName = keyNode.getSimple();
            key = Optional.of(find(columns, keyName).orElseThrow(() -> new AsofException(ErrorCode.INVALID_SOURCE,
                    Nodes.position(keyNode) + "IDEMPOTENCY KEY column '" + keyName + "' is not a declared column"
                            + NameSuggestions.hint(keyName, names))).name());
        }
        String name = node.name().getSimple();
        return new PlannedStatement.CreateSource(name, new SourceLocation.Table(TableName.of(List.of(name))),
                event.name(), Optional.of(Push.CREATED_TIME), ddl, node.ifNotExists(),
                Optional.of(new PushDefinition(columns, key)));
    }

    private static ColumnMetadata column(String name, SqlEntityColumn c) {
        SqlTypeName type = SqlTypeName.get(c.type().getTypeName().getSimple().toUpperCase(Locale.ROOT));
        int precision = 0;
        int scale = 0;
        if (c.type().getTypeNameSpec() instanceof SqlBasicTypeNameSpec b) {
            precision = Math.max(b.getPrecision(), 0);
            scale = Math.max(b.getScale(), 0);
        }
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
        if (jdbc == null) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.type()) + "column '" + name
                    + "' has type " + c.type().getTypeName().getSimple() + "; push source columns are BIGINT, INTEGER,"
                    + " SMALLINT, DOUBLE, REAL, DECIMAL, BOOLEAN, VARCHAR, DATE or TIMESTAMP");
        }
        if (jdbc == JDBCType.DECIMAL && precision == 0) {
            precision = 18;
        }
        return new ColumnMetadata(name, jdbc, type.getName(), precision, scale);
    }

    private static Optional<ColumnMetadata> find(List<ColumnMetadata> columns, String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}
