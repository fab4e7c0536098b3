package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.ddl.DefinitionPlanner;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.planner.plan.PushValue;
import dev.asof.spi.ColumnMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the execution layer does for push sources: {@code CREATE SOURCE ... PUSH} (the table, then
 * the registry entry) and pushing rows (from INSERT with literals and parameter sets, or from
 * Flight SQL ingest), converted and checked in full before any row reaches the log, so a bad row
 * rejects its whole statement.
 */
public final class PushStatements {
    private final Registry registry;
    private final Supplier<Optional<PushIngest>> ingest;

    /** @param ingest the running ingest, empty when push ingestion is not enabled */
    public PushStatements(Registry registry, Supplier<Optional<PushIngest>> ingest) {
        this.registry = requireNonNull(registry, "registry");
        this.ingest = requireNonNull(ingest, "ingest");
    }

    private PushIngest ingest() {
        return ingest.get().orElseThrow(() -> new AsofException(ErrorCode.NOT_SUPPORTED,
                "push sources are not available in this gateway (push ingestion is not running)"));
    }

    /** CREATE SOURCE ... PUSH: creates the warehouse table, then the registry entry. */
    public void create(PlannedStatement.CreateSource c, DefinitionPlanner definitions) {
        Optional<CatalogObject> existing = registry.get(c.name());
        if (existing.isPresent()) {
            if (c.ifNotExists()) {
                return;
            }
            throw new AsofException(ErrorCode.ALREADY_EXISTS, "'" + existing.get().name()
                    + "' already exists; DROP it first or use CREATE ... IF NOT EXISTS");
        }
        PushIngest push = ingest();
        List<ColumnMetadata> columns = push.createTable(c.name(), c.push().orElseThrow().columns());
        PlannedStatement.CreateSource placed = new PlannedStatement.CreateSource(c.name(),
                new SourceLocation.Table(push.table(c.name())), c.eventTime(), c.createdTime(), c.ddl(),
                c.ifNotExists(), c.push());
        registry.create(definitions.source(placed, columns), c.ifNotExists());
    }

    /**
     * Pushes the rows of an INSERT, once per parameter set (one set, empty, when it has no
     * parameters), all durable together or none.
     *
     * @return per parameter set, the rows stored (rows whose idempotency key was seen are not)
     */
    public long[] insert(PlannedStatement.Push p, List<List<Object>> parameterSets) {
        Source source = source(p.source());
        PushRows convert = new PushRows(source);
        int width = convert.columns().size();
        List<Object[]> rows = new ArrayList<>();
        int[] setOf = new int[p.rows().size() * parameterSets.size()];
        for (int set = 0; set < parameterSets.size(); set++) {
            List<Object> parameters = parameterSets.get(set);
            for (List<PushValue> written : p.rows()) {
                Object[] row = new Object[width];
                for (int i = 0; i < written.size(); i++) {
                    PushValue v = written.get(i);
                    row[p.columns().get(i)] = v instanceof PushValue.Parameter param ? parameters.get(param.index())
                            : ((PushValue.Literal) v).value();
                }
                setOf[rows.size()] = set;
                rows.add(convert.convert(row, rows.size() + 1));
            }
        }
        long[] counts = new long[parameterSets.size()];
        if (rows.isEmpty()) {
            return counts;
        }
        PushIngest.Outcome outcome = ingest().push(source, rows);
        for (int i = 0; i < rows.size(); i++) {
            counts[setOf[i]] += outcome.stored()[i] ? 1 : 0;
        }
        return counts;
    }

    /**
     * Pushes rows given by column names (Flight SQL ingest): each row holds a value per name,
     * columns not named are NULL.
     *
     * @return the rows stored
     */
    public long ingest(String sourceName, List<String> columnNames, List<Object[]> given) {
        Source source = source(sourceName);
        PushRows convert = new PushRows(source);
        List<ColumnMetadata> columns = convert.columns();
        int[] target = new int[columnNames.size()];
        for (int i = 0; i < target.length; i++) {
            target[i] = -1;
            for (int k = 0; k < columns.size(); k++) {
                if (columns.get(k).name().equalsIgnoreCase(columnNames.get(i))) {
                    target[i] = k;
                }
            }
            if (target[i] < 0) {
                throw new AsofException(ErrorCode.PUSH_COLUMNS_MISMATCH, "push source '" + source.name()
                        + "' has no column '" + columnNames.get(i) + "'; its columns are "
                        + columns.stream().map(ColumnMetadata::name).toList());
            }
        }
        List<Object[]> rows = new ArrayList<>(given.size());
        for (Object[] g : given) {
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < target.length; i++) {
                row[target[i]] = g[i];
            }
            rows.add(convert.convert(row, rows.size() + 1));
        }
        return rows.isEmpty() ? 0 : ingest().push(source, rows).storedCount();
    }

    /** The push source named {@code name}, if there is one. */
    public Optional<Source> pushSource(String name) {
        return registry.get(name).filter(Source.class::isInstance).map(Source.class::cast)
                .filter(s -> s.push().isPresent());
    }

    private Source source(String name) {
        return pushSource(name).orElseThrow(() -> new AsofException(ErrorCode.UNKNOWN_OBJECT,
                "push source '" + name + "' not found"));
    }
}
