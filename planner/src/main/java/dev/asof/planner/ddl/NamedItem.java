package dev.asof.planner.ddl;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.sql.Nodes;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/** An item of a feature view's select list with the name it gives its column. */
record NamedItem(String name, SqlNode expression) {
    NamedItem {
        requireNonNull(name, "name");
        requireNonNull(expression, "expression");
    }

    /**
     * {@code expr AS name}, or a column reference named as the column.
     *
     * @throws AsofException {@link ErrorCode#INVALID_DEFINITION} for an unnamed expression or {@code *}
     */
    static NamedItem of(SqlNode item) {
        if (item.getKind() == SqlKind.AS) {
            return new NamedItem(((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple(), ((SqlCall) item).operand(0));
        }
        if (item instanceof SqlIdentifier id && !id.isStar()) {
            return new NamedItem(id.names.get(id.names.size() - 1), item);
        }
        throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item)
                + "give this feature a name: <expression> AS <name>");
    }
}
