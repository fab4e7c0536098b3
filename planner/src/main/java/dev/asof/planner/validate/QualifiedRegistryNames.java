package dev.asof.planner.validate;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.RegistryNamespace;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Rewrites, in place, every name that reaches a registry object through its listing's catalog and
 * schema ({@code registry.features.customer_profile}, also as a column qualifier) to the bare name the
 * rest of the planner resolves. Runs on the parsed tree before anything else looks at names.
 */
public final class QualifiedRegistryNames {
    private QualifiedRegistryNames() {}

    /** Unqualifies registry names in {@code node}; returns {@code node}. */
    public static SqlNode unqualify(SqlNode node, Catalog catalog) {
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                RegistryNamespace.unqualified(id.names, catalog).ifPresent(names -> {
                    int drop = id.names.size() - names.size();
                    List<SqlParserPos> positions = new ArrayList<>();
                    for (int i = drop; i < id.names.size(); i++) {
                        positions.add(id.getComponentParserPosition(i));
                    }
                    id.setNames(names, positions);
                });
                return null;
            }
        });
        return node;
    }
}
