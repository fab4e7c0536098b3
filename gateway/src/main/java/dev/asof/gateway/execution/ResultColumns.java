package dev.asof.gateway.execution;

import dev.asof.gateway.system.SystemTableQueries;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.util.List;
import java.util.Optional;

/**
 * A planned statement's result columns, worked out without running it; empty for statements that
 * return an update count. Describes warehouse queries (one engine call each), so it is used only
 * where a client asks for metadata before executing (prepare), never for statements run at once.
 */
final class ResultColumns extends PlannedStatement.DefaultVisitor<Optional<List<ColumnMetadata>>> {
    /** The one column of EXPLAIN's rows. */
    static final ColumnMetadata EXPLAIN_TEXT = ColumnMetadata.of("plan", JDBCType.VARCHAR);
    /** The columns of SHOW USERS. */
    static final List<ColumnMetadata> USER_COLUMNS = List.of(ColumnMetadata.of("name", JDBCType.VARCHAR),
            ColumnMetadata.of("admin", JDBCType.BOOLEAN), ColumnMetadata.of("created", JDBCType.TIMESTAMP));

    private final WarehouseConnector warehouse;
    private final SystemTableQueries systemTables;

    ResultColumns(WarehouseConnector warehouse, SystemTableQueries systemTables) {
        super(Optional.empty());
        this.warehouse = warehouse;
        this.systemTables = systemTables;
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Lookup l) {
        return Optional.of(l.lookup().columns());
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Materialize m) {
        return Optional.of(MaterializeResults.COLUMNS);
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.SystemQuery q) {
        return Optional.of(systemTables.describe(q.sql()));
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Query q) {
        return Optional.of(warehouse.describeQuery(q.query().sql()));
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.PassThrough p) {
        return p.query() ? Optional.of(warehouse.describeQuery(p.sql())) : Optional.empty();
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Explain e) {
        return Optional.of(List.of(EXPLAIN_TEXT));
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Show s) {
        return Optional.of(RegistryListings.showColumns(s.kind()));
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.Describe d) {
        return Optional.of(RegistryListings.DESCRIBE_COLUMNS);
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.ShowUsers s) {
        return Optional.of(USER_COLUMNS);
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.FeatureQuality q) {
        return dev.asof.gateway.quality.FeatureQuality.columns(q.statement());
    }

    @Override
    public Optional<List<ColumnMetadata>> visit(PlannedStatement.ShowGrants s) {
        return Optional.of(dev.asof.gateway.security.GrantAdministration.COLUMNS);
    }
}
