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
import org.apache.calcite.sql.SqlIdentifier;

/**
 * Checks {@code CREATE SOURCE name (col type, ...) EVENT TIME col PUSH [IDEMPOTENCY KEY col]}:
 * column types asof can carry through its write-ahead log, no name twice, none of asof's own
 * columns, an event time that is a declared TIMESTAMP or DATE and an idempotency key that is a
 * declared column. The source's location is its name; the gateway places the table.
 */
final class PushSourcePlanner {
    /** What a push source's columns may be: the types the write-ahead log carries. */
    private static final List<JDBCType> TYPES = List.of(JDBCType.BIGINT, JDBCType.INTEGER, JDBCType.SMALLINT,
            JDBCType.DOUBLE, JDBCType.REAL, JDBCType.DECIMAL, JDBCType.BOOLEAN, JDBCType.VARCHAR, JDBCType.DATE,
            JDBCType.TIMESTAMP);

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
            columns.add(DeclaredColumns.of(name, c, TYPES, "push source column"));
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

    private static Optional<ColumnMetadata> find(List<ColumnMetadata> columns, String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}
