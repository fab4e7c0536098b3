package dev.asof.gateway.metadata;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.security.ReadPolicy;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.RegistryNamespace;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.SchemaName;
import dev.asof.spi.TableName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What one session may list: catalogs, schemas, tables, columns and primary keys, as plain rows
 * that every protocol renders in its own format (Avatica frames for JDBC, Arrow vectors for Flight
 * SQL), so that all protocols list the same things in the same order.
 *
 * <p>Registry objects (entities, sources, feature views) are tables of types {@code ENTITY},
 * {@code SOURCE} and {@code FEATURE VIEW} in catalog {@value RegistryNamespace#CATALOG}, schema
 * {@value RegistryNamespace#SCHEMA} ({@link RegistryNamespace}), so that a BI tool's crawl
 * (catalogs, schemas, tables) reaches them and the qualified names it generates resolve. Warehouse
 * tables follow with their own catalog and schema, type {@code TABLE}, from the shared
 * {@link WarehouseMetadataCache}.
 * Upload schemas ({@link UploadSchemas}) are listed to their own session only.
 *
 * <p>Filters follow JDBC's {@code DatabaseMetaData} (and Flight SQL's, which are the same): a null
 * catalog or pattern does not narrow; an empty catalog or schema means "without one" (which
 * nothing listed is); patterns are SQL LIKE ({@code %}, {@code _}), ignoring case. Rows
 * come in JDBC's documented order. Cheap to create: one per request.
 */
public final class MetadataListing {
    /** Table types, in the order listings use. */
    public static final List<String> TABLE_TYPES = List.of("ENTITY", "FEATURE VIEW", "SOURCE", "TABLE");
    /** The type of every warehouse table or view. */
    public static final String WAREHOUSE_TABLE = "TABLE";

    private static final Comparator<String> NAMES = Comparator.nullsFirst(
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder()));
    private static final Comparator<TableRow> TABLE_ORDER = Comparator.comparing(TableRow::type)
            .thenComparing(TableRow::catalog, NAMES).thenComparing(TableRow::schema, NAMES)
            .thenComparing(TableRow::name, NAMES);
    private static final Comparator<TableRow> TABLE_NAME_ORDER = Comparator.comparing(TableRow::catalog, NAMES)
            .thenComparing(TableRow::schema, NAMES).thenComparing(TableRow::name, NAMES);

    private final Registry registry;
    private final WarehouseMetadataCache warehouse;
    private final Optional<String> defaultCatalog;
    private final List<SchemaName> sessionSchemas;
    private final ReadPolicy policy;

    /** A listing of everything (admins, the gateway itself); see the other constructor. */
    public MetadataListing(Registry registry, WarehouseMetadataCache warehouse, Optional<String> defaultCatalog,
            List<SchemaName> sessionSchemas) {
        this(registry, warehouse, defaultCatalog, sessionSchemas, ReadPolicy.everything());
    }

    /**
     * @param defaultCatalog the warehouse catalog unqualified names resolve in, listed even while
     *     it has no tables; empty when the warehouse has none configured
     * @param sessionSchemas the session's own upload schemas (none for JDBC sessions)
     * @param policy what the session's user may read: nothing else is listed
     */
    public MetadataListing(Registry registry, WarehouseMetadataCache warehouse, Optional<String> defaultCatalog,
            List<SchemaName> sessionSchemas, ReadPolicy policy) {
        this.policy = requireNonNull(policy, "policy");
        this.registry = requireNonNull(registry, "registry");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.defaultCatalog = requireNonNull(defaultCatalog, "defaultCatalog");
        this.sessionSchemas = List.copyOf(sessionSchemas);
    }

    /** A schema of the warehouse. */
    public record SchemaRow(String catalog, String schema) {
        public SchemaRow {
            requireNonNull(catalog, "catalog");
            requireNonNull(schema, "schema");
        }
    }

    /**
     * A table: a registry object (in the registry's catalog and schema) or a warehouse table.
     *
     * @param remarks a registry object's CREATE statement; null for warehouse tables
     */
    public record TableRow(String catalog, String schema, String name, String type, String remarks) {
        public TableRow {
            requireNonNull(name, "name");
            requireNonNull(type, "type");
        }

        /** Whether this is a registry object rather than a warehouse table. */
        public boolean inRegistry() {
            return !WAREHOUSE_TABLE.equals(type);
        }
    }

    /**
     * A column of a table.
     *
     * @param ordinal 1-based position of the column in its table
     * @param remarks {@code request column} for a request column of a request-time view (a value each
     *     lookup supplies, not a stored feature); null otherwise
     */
    public record ColumnRow(String catalog, String schema, String table, int ordinal, ColumnMetadata column,
            String remarks) {
        public ColumnRow {
            requireNonNull(table, "table");
            requireNonNull(column, "column");
        }

        /** A column without remarks. */
        public ColumnRow(String catalog, String schema, String table, int ordinal, ColumnMetadata column) {
            this(catalog, schema, table, ordinal, column, null);
        }
    }

    /**
     * A column of a table's primary key.
     *
     * @param sequence 1-based position of the column in the key
     * @param keyName the key's name, or null
     */
    public record KeyRow(String catalog, String schema, String table, String column, int sequence, String keyName) {
        public KeyRow {
            requireNonNull(table, "table");
            requireNonNull(column, "column");
        }
    }

    /** The registry's catalog, catalogs that hold tables this session sees, and the default catalog; sorted. */
    public List<String> catalogs() {
        TreeSet<String> catalogs = new TreeSet<>(NAMES);
        catalogs.add(RegistryNamespace.CATALOG);
        defaultCatalog.ifPresent(catalogs::add);
        for (TableName t : visibleTables()) {
            catalogs.add(t.catalog().orElseThrow());
        }
        return List.copyOf(catalogs);
    }

    /** The registry's schema and the schemas that hold tables this session sees, ordered by catalog and schema. */
    public List<SchemaRow> schemas(String catalog, String schemaPattern) {
        Pattern schemas = LikePattern.compile(schemaPattern);
        TreeSet<SchemaRow> rows = new TreeSet<>(Comparator.comparing(SchemaRow::catalog, NAMES)
                .thenComparing(SchemaRow::schema, NAMES));
        if (registryInScope(catalog, schemaPattern)) {
            rows.add(new SchemaRow(RegistryNamespace.CATALOG, RegistryNamespace.SCHEMA));
        }
        for (TableName t : visibleTables()) {
            SchemaName s = t.schemaName();
            if (catalogMatches(catalog, s.catalog()) && schemas.matcher(s.schema()).matches()) {
                rows.add(new SchemaRow(s.catalog(), s.schema()));
            }
        }
        return List.copyOf(rows);
    }

    /**
     * Tables whose names match, of the given types (null: every type), ordered by type, catalog,
     * schema and name. Asks the warehouse for its table list only (no columns).
     */
    public List<TableRow> tables(String catalog, String schemaPattern, String tablePattern, List<String> types) {
        Pattern names = LikePattern.compile(tablePattern);
        List<TableRow> rows = new ArrayList<>();
        if (registryInScope(catalog, schemaPattern)) {
            for (CatalogObject o : registry.objects()) {
                if (names.matcher(o.name()).matches() && typeWanted(types, o.tableType()) && policy.object(o)) {
                    rows.add(new TableRow(RegistryNamespace.CATALOG, RegistryNamespace.SCHEMA, o.name(), o.tableType(), o.ddl()));
                }
            }
        }
        if (typeWanted(types, WAREHOUSE_TABLE)) {
            Pattern schemas = LikePattern.compile(schemaPattern);
            for (TableName t : visibleTables()) {
                SchemaName s = t.schemaName();
                if (catalogMatches(catalog, s.catalog()) && schemas.matcher(s.schema()).matches()
                        && names.matcher(t.table()).matches()) {
                    rows.add(new TableRow(s.catalog(), s.schema(), t.table(), WAREHOUSE_TABLE, null));
                }
            }
        }
        rows.sort(TABLE_ORDER);
        return rows;
    }

    /** Columns of a listed table in table order; empty if it is gone. Describes a warehouse table (cached). */
    public List<ColumnMetadata> columnsOf(TableRow table) {
        if (table.inRegistry()) {
            return registry.get(table.name()).filter(o -> o.tableType().equals(table.type())).filter(policy::object)
                    .map(CatalogObject::columns).orElse(List.of());
        }
        return warehouse.columns(TableName.of(table.catalog(), table.schema(), table.name())).orElse(List.of());
    }

    /**
     * Columns whose names match, of tables that match, ordered by catalog, schema, table and
     * position. Describes each matching warehouse table (cached).
     */
    public List<ColumnRow> columns(String catalog, String schemaPattern, String tablePattern, String columnPattern) {
        Pattern names = LikePattern.compile(columnPattern);
        List<TableRow> tables = tables(catalog, schemaPattern, tablePattern, null);
        tables.sort(TABLE_NAME_ORDER);
        List<ColumnRow> rows = new ArrayList<>();
        for (TableRow t : tables) {
            int ordinal = 0;
            Optional<RequestView> requestView = t.inRegistry()
                    ? registry.get(t.name()).filter(RequestView.class::isInstance).map(RequestView.class::cast)
                    : Optional.empty();
            for (ColumnMetadata c : columnsOf(t)) {
                ordinal++;
                if (names.matcher(c.name()).matches()) {
                    boolean request = requestView.flatMap(r -> r.requestColumn(c.name())).isPresent();
                    rows.add(new ColumnRow(t.catalog(), t.schema(), t.name(), ordinal, c, request ? "request column" : null));
                }
            }
        }
        return rows;
    }

    /**
     * Primary key columns of the named table (ignoring case; null: every table), ordered by table
     * and key sequence. Only registry objects have keys ({@link RegistryKeys}); the warehouse's
     * tables report none. A null catalog or schema does not narrow.
     */
    public List<KeyRow> primaryKeys(String catalog, String schema, String table) {
        if (!catalogMatches(catalog, RegistryNamespace.CATALOG) || !(schema == null || schema.equalsIgnoreCase(RegistryNamespace.SCHEMA))) {
            return List.of();
        }
        return RegistryKeys.of(registry.objects().stream().filter(policy::object).toList()).stream()
                .filter(k -> table == null || k.table().equalsIgnoreCase(table)).toList();
    }

    /**
     * Warehouse tables this session may see: qualified tables outside other sessions' upload
     * schemas that its user may read, and outside the registry's schema, which shadows them.
     */
    private List<TableName> visibleTables() {
        return warehouse.tables().stream()
                .filter(t -> t.isQualified() && UploadSchemas.visible(t.schemaName(), sessionSchemas))
                .filter(t -> !RegistryNamespace.isRegistry(t.schemaName().catalog(), t.schemaName().schema()))
                .filter(policy::table)
                .toList();
    }

    /** Whether the filters select the registry's catalog and schema. */
    private static boolean registryInScope(String catalog, String schemaPattern) {
        return catalogMatches(catalog, RegistryNamespace.CATALOG)
                && LikePattern.compile(schemaPattern).matcher(RegistryNamespace.SCHEMA).matches();
    }

    private static boolean catalogMatches(String filter, String catalog) {
        return filter == null || filter.equalsIgnoreCase(catalog);
    }

    private static boolean typeWanted(List<String> types, String type) {
        return types == null || types.stream().anyMatch(type::equalsIgnoreCase);
    }

}
