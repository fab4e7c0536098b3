package dev.asof.planner.ddl;

import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.Feature;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.SqlCreateEntity;
import dev.asof.planner.parser.SqlCreateFeatureView;
import dev.asof.planner.parser.SqlCreateSource;
import dev.asof.planner.parser.SqlEntityColumn;
import dev.asof.planner.plan.FeatureViewDraft;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.warehouse.EngineDialect;
import dev.asof.planner.sql.Expressions;
import dev.asof.planner.sql.Nodes;
import dev.asof.planner.validate.NameSuggestions;
import dev.asof.planner.validate.QueryValidator;
import dev.asof.planner.window.TileGrid;
import dev.asof.planner.window.WindowAggregate;
import dev.asof.planner.window.WindowFunction;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.FileFormat;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlShuttle;

/** Checks CREATE statements against the catalog and turns them into registry definitions. */
public final class DefinitionPlanner {
    private final Catalog catalog;
    private final EngineDialect dialect;

    public DefinitionPlanner(Catalog catalog, EngineDialect dialect) {
        this.catalog = catalog;
        this.dialect = dialect;
    }

    public PlannedStatement.CreateEntity entity(SqlCreateEntity node) {
        List<ColumnMetadata> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SqlEntityColumn c : node.columns()) {
            String name = c.name().getSimple();
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.name())
                        + "key column '" + name + "' is declared twice");
            }
            SqlTypeName type = SqlTypeName.get(c.type().getTypeName().getSimple().toUpperCase(Locale.ROOT));
            JDBCType jdbc = type == null ? null : jdbcType(type);
            if (jdbc == null) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(c.type()) + "key column '" + name
                        + "' has type " + c.type().getTypeName().getSimple()
                        + "; entity keys are BIGINT, INTEGER, SMALLINT, VARCHAR, DATE or DECIMAL");
            }
            keys.add(new ColumnMetadata(name, jdbc, type.getName(), 0, 0));
        }
        return new PlannedStatement.CreateEntity(new Entity(node.name().getSimple(), keys, ddl(node)), node.ifNotExists());
    }

    public PlannedStatement.CreateSource source(SqlCreateSource node) {
        if (node.pushColumns() != null) {
            return PushSourcePlanner.plan(node, ddl(node));
        }
        SourceLocation location;
        if (node.table() != null) {
            try {
                location = new SourceLocation.Table(TableName.of(node.table().names));
            } catch (IllegalArgumentException e) {
                throw new AsofException(ErrorCode.INVALID_SOURCE, e.getMessage());
            }
        } else {
            String path = node.filePath();
            FileFormat format = FileFormat.fromPath(path).orElseThrow(() -> new AsofException(ErrorCode.INVALID_SOURCE,
                    "cannot tell the format of '" + path + "': use a .csv, .csv.gz, .tsv or .parquet file"));
            try {
                location = new SourceLocation.File(Path.of(path).toAbsolutePath().normalize().toString(), format);
            } catch (InvalidPathException e) {
                // e.g. a NUL character: the path names no file on any system.
                throw new AsofException(ErrorCode.INVALID_SOURCE, "'" + path + "' is not a valid file path");
            }
        }
        return new PlannedStatement.CreateSource(node.name().getSimple(), location, node.eventTime().getSimple(),
                Optional.ofNullable(node.createdTime()).map(SqlIdentifier::getSimple), ddl(node), node.ifNotExists());
    }

    /** A source once the warehouse has described its columns: the time columns must exist and be times. */
    public Source source(PlannedStatement.CreateSource s, List<ColumnMetadata> columns) {
        checkTimeColumn(s, columns, s.eventTime(), "EVENT TIME");
        s.createdTime().ifPresent(c -> checkTimeColumn(s, columns, c, "CREATED TIME"));
        ColumnMetadata event = find(columns, s.eventTime()).orElseThrow();
        return new Source(s.name(), s.location(), event.name(),
                s.createdTime().map(c -> find(columns, c).orElseThrow().name()), columns, s.ddl(),
                s.push().map(p -> new dev.asof.planner.catalog.Push(p.idempotencyKey())));
    }

    private static void checkTimeColumn(PlannedStatement.CreateSource s, List<ColumnMetadata> columns, String name, String clause) {
        Optional<ColumnMetadata> column = find(columns, name);
        if (column.isEmpty()) {
            throw new AsofException(ErrorCode.INVALID_SOURCE, clause + " column '" + name + "' is not a column of "
                    + s.location() + NameSuggestions.hint(name, columns.stream().map(ColumnMetadata::name).toList()));
        }
        if (!column.get().isTemporal()) {
            throw new AsofException(ErrorCode.INVALID_SOURCE, clause + " column '" + name + "' of " + s.location()
                    + " has type " + column.get().typeName() + "; it must be a TIMESTAMP, TIMESTAMP WITH TIME ZONE or DATE");
        }
    }

    public PlannedStatement.CreateFeatureView featureView(SqlCreateFeatureView node) {
        String name = node.name().getSimple();
        Entity entity = lookup(node.entity(), Entity.class, "entity");
        if (catalog.object(node.source().getSimple()).filter(FeatureView.class::isInstance).isPresent()) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.source()) + "'"
                    + node.source().getSimple() + "' is a feature view; a view over a feature view is a request-time"
                    + " view: declare the request's columns with REQUEST (name type, …) before AS");
        }
        Source source = lookup(node.source(), Source.class, "source");
        List<String> names = new ArrayList<>();
        List<SqlNode> expressions = new ArrayList<>();
        List<WindowedItem> windows = new ArrayList<>();
        for (SqlNode item : node.selectList()) {
            NamedItem named = NamedItem.of(item);
            SqlNode expr = named.expression();
            String column = named.name();
            if (names.stream().anyMatch(column::equalsIgnoreCase)) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item) + "column '" + column + "' appears twice");
            }
            names.add(column);
            expressions.add(expr);
            if (Nodes.contains(expr, call -> call.getKind().belongsTo(SqlKind.QUERY))) {
                // A feature is computed from one source row (or a window of them); a subquery
                // would also not survive the registry's expression text.
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(item)
                        + "a feature cannot contain a subquery; compute it from the source's columns");
            }
            windows.add(Nodes.contains(expr, call -> call.getKind() == SqlKind.OVER) ? WindowedItem.parse(expr) : null);
        }
        boolean windowed = windows.stream().anyMatch(java.util.Objects::nonNull);
        for (ColumnMetadata key : entity.keys()) {
            if (names.stream().noneMatch(key.name()::equalsIgnoreCase)) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.selectList())
                        + "feature view '" + name + "' must select the key '"
                        + key.name() + "' of entity '" + entity.name() + "'");
            }
        }
        Optional<Duration> hop = Optional.ofNullable(node.hopMillis()).map(Duration::ofMillis);
        if (windowed) {
            checkWindowed(node, entity, names, windows, hop);
        } else {
            if (node.hop() != null) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.hop())
                        + "HOP applies to windowed aggregates, which this view has none of");
            }
            for (SqlNode expr : expressions) {
                Optional<SqlCall> aggregate = WindowedItem.aggregateWithoutOver(expr);
                if (aggregate.isPresent()) {
                    String f = aggregate.get().getOperator().getName().toUpperCase(Locale.ROOT);
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(aggregate.get()) + f
                            + " needs a window: " + f + "(...) OVER (RANGE INTERVAL '7' DAY PRECEDING); without OVER a "
                            + "feature view holds the latest value of each column");
                }
            }
        }
        // What the warehouse types: latest-value expressions and windowed arguments (COUNT(*) has
        // none). Names and types resolve against the source, with the validator's messages.
        List<SqlNode> typed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            WindowedItem w = windows.get(i);
            SqlNode expr = w == null ? expressions.get(i) : w.argument() == null ? COUNT_ROWS_PROBE.clone(Nodes.POS) : w.argument();
            typed.add(expr);
        }
        List<SqlNode> items = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            items.add(Nodes.as(typed.get(i), names.get(i)));
        }
        QueryValidator validator = new QueryValidator(catalog);
        SqlNode validated = validator.validate(Nodes.select(items, Nodes.id(source.name()), null, false));
        if (windowed) {
            RelDataType row = validator.typeOf(validated);
            for (int i = 0; i < names.size(); i++) {
                if (windows.get(i) != null && windows.get(i).argument() != null) {
                    checkArgumentType(windows.get(i), row.getFieldList().get(i).getType());
                }
            }
        }

        List<String> canonical = typed.stream().map(DefinitionPlanner::unqualified).map(Expressions::print).toList();
        List<SqlNode> describeItems = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            describeItems.add(Nodes.as(Expressions.parse(canonical.get(i)), names.get(i)));
        }
        SqlNode relation = Nodes.relation(source.location(), dialect);
        String describe = Nodes.select(describeItems, relation, SqlLiteral.createBoolean(false, Nodes.POS), false)
                .toSqlString(c -> c.withDialect(dialect.sqlDialect()).withQuoteAllIdentifiers(true)).getSql();
        Optional<Duration> ttl = Optional.ofNullable(node.ttlMillis()).map(Duration::ofMillis);
        if (ttl.isPresent() && (ttl.get().isNegative() || ttl.get().isZero())) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.ttl()) + "TTL must be positive");
        }
        List<Optional<WindowAggregate>> aggregates = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            WindowedItem w = windows.get(i);
            aggregates.add(w == null ? Optional.empty() : Optional.of(new WindowAggregate(w.function(),
                    w.argument() == null ? Optional.empty() : Optional.of(canonical.get(i)), w.window())));
        }
        FeatureViewDraft draft = new FeatureViewDraft(name, entity.name(), source.name(), names, canonical, aggregates, ttl,
                windowed ? hop : Optional.empty(), node.online(), ddl(node));
        return new PlannedStatement.CreateFeatureView(draft, describe, node.ifNotExists());
    }

    /** CREATE FEATURE VIEW … REQUEST (…): a request-time view over a stored feature view. */
    public PlannedStatement.CreateRequestView requestView(SqlCreateFeatureView node) {
        return new RequestViewPlanner(catalog, dialect).plan(node, ddl(node));
    }

    /** What {@code COUNT(*)} asks the warehouse to type: nothing of the source's. */
    private static final SqlNode COUNT_ROWS_PROBE = Nodes.cast(Nodes.number(1), SqlTypeName.BIGINT);

    /**
     * A windowed view: every other column is an entity key; no TTL (the windows bound the age of
     * what they read); each window a multiple of the HOP.
     */
    private static void checkWindowed(SqlCreateFeatureView node, Entity entity, List<String> names,
            List<WindowedItem> windows, Optional<Duration> hop) {
        for (int i = 0; i < names.size(); i++) {
            String column = names.get(i);
            if (windows.get(i) == null && entity.keys().stream().noneMatch(k -> k.name().equalsIgnoreCase(column))) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.selectList().get(i))
                        + "column '" + column + "' is neither a key of entity '" + entity.name() + "' nor a windowed "
                        + "aggregate; a feature view holds latest values or windowed aggregates, not both (the value "
                        + "of the latest row in a window is LAST(" + column + ") OVER (RANGE INTERVAL '1' DAY PRECEDING))");
            }
        }
        if (node.ttl() != null) {
            throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(node.ttl())
                    + "TTL applies to latest-value views; a windowed aggregate only reads rows inside its window already");
        }
        if (hop.isPresent()) {
            TileGrid grid = TileGrid.of(hop);
            for (WindowedItem w : windows) {
                if (w != null && !grid.divides(TileGrid.micros(w.window()))) {
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, Nodes.position(w.interval()) + "window "
                            + WindowAggregate.interval(w.window()) + " is not a multiple of HOP "
                            + WindowAggregate.interval(hop.get()) + "; windows move in whole hops");
                }
            }
        }
    }

    /** Argument types each function accepts; the same on every engine, and what the online path can compute. */
    private static void checkArgumentType(WindowedItem w, RelDataType type) {
        String typeName = type.getSqlTypeName().getName();
        String f = w.function() == WindowFunction.COUNT_DISTINCT ? "COUNT(DISTINCT)" : w.function().sqlName();
        switch (w.function()) {
            case SUM, AVG, STDDEV_SAMP, VAR_SAMP -> {
                if (!SqlTypeUtil.isNumeric(type)) {
                    throw WindowedItem.invalid(w.argument(), f + " needs a numeric argument, not " + typeName);
                }
            }
            case APPROX_COUNT_DISTINCT, COUNT_DISTINCT -> {
                if (!SqlTypeUtil.isIntType(type) && !SqlTypeUtil.inCharFamily(type)) {
                    throw WindowedItem.invalid(w.argument(), f + " counts integers or strings (whose text is the "
                            + "same on every engine), not " + typeName + "; CAST the argument to one of them");
                }
            }
            case MIN, MAX -> {
                if (!SqlTypeUtil.isNumeric(type) && !SqlTypeUtil.inCharFamily(type) && !SqlTypeUtil.isDatetime(type)) {
                    throw WindowedItem.invalid(w.argument(), f + " needs a number, string, date or time, not " + typeName);
                }
            }
            default -> { }
        }
    }

    /** The view once the warehouse has typed its columns (in draft order). */
    public FeatureView featureView(FeatureViewDraft draft, List<ColumnMetadata> types) {
        Entity entity = lookup(Nodes.id(draft.entity()), Entity.class, "entity");
        List<Feature> features = new ArrayList<>();
        // Key columns first, in entity order, then features in definition order.
        for (ColumnMetadata key : entity.keys()) {
            int i = indexOf(draft.columnNames(), key.name());
            features.add(new Feature(draft.expressions().get(i), rename(types.get(i), draft.columnNames().get(i))));
        }
        for (int i = 0; i < draft.columnNames().size(); i++) {
            String column = draft.columnNames().get(i);
            if (entity.keys().stream().noneMatch(k -> k.name().equalsIgnoreCase(column))) {
                Optional<WindowAggregate> aggregate = draft.aggregates().get(i);
                features.add(aggregate.isEmpty()
                        ? new Feature(draft.expressions().get(i), rename(types.get(i), column))
                        : new Feature(aggregate.get().sql(), resultType(aggregate.get().function(), types.get(i), column),
                                aggregate));
            }
        }
        return new FeatureView(draft.name(), draft.entity(), draft.source(), features, draft.ttl(), draft.hop(),
                draft.online(), draft.ddl());
    }

    /**
     * The type of a windowed aggregate's result, the same on every engine: counts BIGINT; SUM of
     * integers BIGINT, of decimals DECIMAL(38, scale), of floating point DOUBLE; AVG, STDDEV_SAMP
     * and VAR_SAMP DOUBLE; MIN, MAX and LAST the argument's type.
     */
    private static ColumnMetadata resultType(WindowFunction f, ColumnMetadata argument, String name) {
        ColumnMetadata type = switch (f) {
            case COUNT_ROWS, COUNT, COUNT_DISTINCT, APPROX_COUNT_DISTINCT -> ColumnMetadata.of(name, JDBCType.BIGINT);
            case AVG, STDDEV_SAMP, VAR_SAMP -> ColumnMetadata.of(name, JDBCType.DOUBLE);
            case MIN, MAX, LAST -> rename(argument, name);
            case SUM -> switch (argument.jdbcType()) {
                case TINYINT, SMALLINT, INTEGER, BIGINT -> ColumnMetadata.of(name, JDBCType.BIGINT);
                case DECIMAL, NUMERIC -> new ColumnMetadata(name, JDBCType.DECIMAL,
                        "DECIMAL(38," + argument.scale() + ")", 38, argument.scale());
                default -> ColumnMetadata.of(name, JDBCType.DOUBLE);
            };
        };
        // Spelled as the engine spells types (Trino in lower case), like the columns it describes.
        boolean lowerCase = argument.typeName().equals(argument.typeName().toLowerCase(Locale.ROOT));
        return lowerCase ? new ColumnMetadata(type.name(), type.jdbcType(), type.typeName().toLowerCase(Locale.ROOT),
                type.precision(), type.scale()) : type;
    }

    private static ColumnMetadata rename(ColumnMetadata c, String name) {
        return new ColumnMetadata(name, c.jdbcType(), c.typeName(), c.precision(), c.scale());
    }

    private static int indexOf(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private <T extends CatalogObject> T lookup(SqlIdentifier id, Class<T> type, String what) {
        String name = id.getSimple();
        Optional<CatalogObject> o = catalog.object(name);
        if (o.isPresent() && type.isInstance(o.get())) {
            return type.cast(o.get());
        }
        List<String> known = catalog.visibleObjects().stream().filter(type::isInstance).map(CatalogObject::name).toList();
        throw new AsofException(ErrorCode.UNKNOWN_OBJECT, Nodes.position(id) + what + " '" + name + "' not found"
                + NameSuggestions.hint(name, known));
    }

    /** Drops a qualifier on column references: expressions are stored over the source's own columns. */
    private static SqlNode unqualified(SqlNode expr) {
        return expr.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
                return id.names.size() > 1 && !id.isStar() ? Nodes.id(id.names.get(id.names.size() - 1)) : id;
            }
        });
    }

    private static Optional<ColumnMetadata> find(List<ColumnMetadata> columns, String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    private static JDBCType jdbcType(SqlTypeName type) {
        return switch (type) {
            case BIGINT -> JDBCType.BIGINT;
            case INTEGER -> JDBCType.INTEGER;
            case SMALLINT -> JDBCType.SMALLINT;
            case TINYINT -> JDBCType.TINYINT;
            case VARCHAR, CHAR -> JDBCType.VARCHAR;
            case DATE -> JDBCType.DATE;
            case DECIMAL -> JDBCType.DECIMAL;
            default -> null;
        };
    }

    static String ddl(SqlNode node) {
        return node.toSqlString(c -> c.withDialect(org.apache.calcite.sql.dialect.CalciteSqlDialect.DEFAULT)
                .withQuoteAllIdentifiers(false)).getSql();
    }
}
