package dev.asof.gateway.registry;

import com.zaxxer.hikari.HikariDataSource;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.validate.NameSuggestions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Feature definitions (entities, sources, feature views), persisted through JDBC in an embedded
 * H2 file database under the data directory, or in a database several gateways share
 * ({@link RegistrySettings}). Every change is one transaction that also checks
 * references (a view's entity and source exist; nothing still uses what is dropped), so two
 * connections issuing DDL at once cannot leave a dangling or half-written definition. Reads come
 * from an immutable in-memory snapshot replaced after each change.
 */
public final class Registry implements AutoCloseable {
    private final RegistryDatabase database;
    private final HikariDataSource pool;
    private final Transactions transactions;
    private final UserStore users;
    private final GrantStore grants;
    private final MonitoringSettings monitoring;
    private final PushNodes pushNodes;
    private final String instance;
    private final MaterializationLog materializations;
    /** Polls a shared registry for other gateways' changes; null on the embedded one. */
    private RegistryWatcher watcher;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** Definitions and their ids by lower-case name, replaced together. */
    private record Snapshot(Map<String, CatalogObject> objects, Map<String, Long> ids) {}

    private Registry(RegistryDatabase database, RegistrySettings settings) {
        this.database = database;
        this.pool = database.pool();
        this.transactions = new Transactions(pool);
        this.users = new UserStore(pool, transactions, database.vendor());
        this.grants = new GrantStore(pool, transactions);
        this.monitoring = new MonitoringSettings(pool, transactions);
        this.instance = instanceName();
        this.pushNodes = new PushNodes(pool, transactions, instance, settings.shared(), settings.lease());
        this.materializations = new MaterializationLog(pool, transactions, instance, settings.lease(), settings.shared());
        transactions.register(this::reload);
    }

    /** Host, process and a random part: unique among the gateways sharing a registry, also across restarts. */
    private static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid() + ":"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /** Opens (creating if needed) the embedded registry database in {@code directory}. */
    public static Registry open(Path directory) {
        return open(RegistrySettings.embedded(), directory);
    }

    /**
     * Opens the registry that {@code settings} name: a shared database, or the embedded one in
     * {@code directory}; its schema is created or upgraded first.
     *
     * @throws IllegalStateException when the database cannot be reached or migrated
     */
    public static Registry open(RegistrySettings settings, Path directory) {
        Registry registry = new Registry(RegistryDatabase.open(settings, directory), settings);
        try {
            registry.transactions.refreshIfChanged();
            if (settings.shared()) {
                registry.watcher = RegistryWatcher.start(registry.transactions, registry.materializations,
                        settings.pollInterval(), settings.lease().dividedBy(3));
            }
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    public Optional<CatalogObject> get(String name) {
        return Optional.ofNullable(snapshot.objects().get(key(name)));
    }

    public Collection<CatalogObject> objects() {
        return snapshot.objects().values();
    }

    /**
     * The id of the current definition named {@code name}: unique over the registry's life, so a
     * view dropped and created again gets a new one.
     */
    public Optional<Long> objectId(String name) {
        return Optional.ofNullable(snapshot.ids().get(key(name)));
    }

    /** The gateway's users (logins), in the same database. */
    public UserStore users() {
        return users;
    }

    /** Roles and grants, in the same database; dropping a definition drops its grants. */
    public GrantStore grants() {
        return grants;
    }

    /** Feature views' monitoring settings (log sample, drift threshold), in the same database. */
    public MonitoringSettings monitoring() {
        return monitoring;
    }

    /**
     * Checks that the registry database answers ({@code SELECT 1} on a pooled connection), for
     * readiness probes.
     *
     * @throws java.sql.SQLException when it does not
     */
    public void ping() throws java.sql.SQLException {
        try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    /** Node numbers of the gateways' push logs, in the same database. */
    public PushNodes pushNodes() {
        return pushNodes;
    }

    /** Where materialization runs are recorded, in the same database. */
    public MaterializationLog materializations() {
        return materializations;
    }

    /** This gateway among those sharing the registry, as the runs it holds are marked. */
    public String instance() {
        return instance;
    }

    /**
     * Runs {@code listener} whenever this gateway learns that another gateway changed the registry,
     * after the definitions, users and grants were read again: for caches kept elsewhere.
     */
    public void onRemoteChange(Runnable listener) {
        transactions.onRemoteChange(listener);
    }

    /**
     * Reads the registry again now if another gateway changed it (the watcher does this every poll
     * interval on a shared registry); returns whether it did.
     */
    public boolean refresh() {
        return transactions.refreshIfChanged();
    }

    /**
     * Adds a definition. Returns false (and changes nothing) if the name exists and
     * {@code ifNotExists} is set; fails with {@link ErrorCode#ALREADY_EXISTS} otherwise.
     */
    public boolean create(CatalogObject object, boolean ifNotExists) {
        return inTransaction(c -> {
            if (exists(c, object.name())) {
                if (ifNotExists) {
                    return false;
                }
                throw new AsofException(ErrorCode.ALREADY_EXISTS, kindOf(object) + " '" + object.name()
                        + "' already exists; DROP it first or use CREATE ... IF NOT EXISTS");
            }
            if (object instanceof FeatureView v) {
                requireKind(c, v.entity(), "ENTITY", "entity");
                requireKind(c, v.source(), "SOURCE", "source");
            }
            if (object instanceof RequestView r) {
                requireKind(c, r.entity(), "ENTITY", "entity");
                requireKind(c, r.view(), "FEATURE VIEW", "feature view");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO asof_definition (name_key, kind, definition) VALUES (?, ?, ?)")) {
                ps.setString(1, key(object.name()));
                ps.setString(2, object.tableType());
                ps.setString(3, DefinitionCodec.encode(object));
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Replaces an existing definition of the same kind under the same name (ALTER SOURCE … REFRESH);
     * its object id, and so what depends on it, stays.
     */
    public void replace(CatalogObject object) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE asof_definition SET definition = ? WHERE name_key = ? AND kind = ?")) {
                ps.setString(1, DefinitionCodec.encode(object));
                ps.setString(2, key(object.name()));
                ps.setString(3, object.tableType());
                if (ps.executeUpdate() != 1) {
                    throw new AsofException(ErrorCode.UNKNOWN_OBJECT, object.tableType().toLowerCase(Locale.ROOT) + " '"
                            + object.name() + "' not found");
                }
            }
            return null;
        });
    }

    /** Removes a definition; false if absent and {@code ifExists}. Refuses while a view uses it. */
    public boolean drop(ObjectKind kind, String name, boolean ifExists) {
        return drop(kind, name, ifExists, o -> true);
    }

    /**
     * As {@link #drop(ObjectKind, String, boolean)}; a name not found is reported with close
     * names among the {@code visible} objects only. The object's grants go with it.
     */
    public boolean drop(ObjectKind kind, String name, boolean ifExists, java.util.function.Predicate<CatalogObject> visible) {
        return inTransaction(c -> {
            Optional<CatalogObject> current = load(c, name);
            if (current.isEmpty() || !current.get().tableType().equals(kind.keyword())) {
                if (ifExists) {
                    return false;
                }
                List<String> known = objects().stream()
                        .filter(o -> o.tableType().equals(kind.keyword()))
                        .filter(visible)
                        .map(CatalogObject::name)
                        .toList();
                throw new AsofException(ErrorCode.UNKNOWN_OBJECT, kind.keyword().toLowerCase(Locale.ROOT) + " '" + name
                        + "' not found" + NameSuggestions.hint(name, known));
            }
            // A request-time view reads its feature view and entity at every use: they stay while it does.
            List<String> requestViews = new ArrayList<>();
            for (CatalogObject o : loadAll(c).values()) {
                if (o instanceof RequestView r && (r.view().equalsIgnoreCase(name) || r.entity().equalsIgnoreCase(name))) {
                    requestViews.add(r.name());
                }
            }
            if (!requestViews.isEmpty()) {
                throw new AsofException(ErrorCode.INVALID_DEFINITION, kind.keyword().toLowerCase(Locale.ROOT) + " '" + name
                        + "' is used by request-time view(s) " + String.join(", ", requestViews) + "; drop them first");
            }
            if (kind != ObjectKind.FEATURE_VIEW) {
                List<String> users = new ArrayList<>();
                for (CatalogObject o : loadAll(c).values()) {
                    if (o instanceof FeatureView v && (v.entity().equalsIgnoreCase(name) || v.source().equalsIgnoreCase(name))) {
                        users.add(v.name());
                    }
                }
                if (!users.isEmpty()) {
                    throw new AsofException(ErrorCode.INVALID_DEFINITION, kind.keyword().toLowerCase(Locale.ROOT) + " '" + name
                            + "' is used by feature view(s) " + String.join(", ", users) + "; drop them first");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM asof_definition WHERE name_key = ?")) {
                ps.setString(1, key(name));
                ps.executeUpdate();
            }
            GrantStore.dropObjectGrants(c, kind, name);
            return true;
        });
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return transactions.run("registry update", work);
    }

    /** Re-reads every definition into a new snapshot. */
    public void reload() {
        try (Connection c = pool.getConnection()) {
            reload(c);
        } catch (SQLException e) {
            throw new AsofException(ErrorCode.INTERNAL_ERROR, "cannot read the registry: " + e.getMessage(), e);
        }
    }

    private void reload(Connection c) throws SQLException {
        Map<String, Long> loadedIds = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name_key, object_id FROM asof_definition")) {
            while (rs.next()) {
                loadedIds.put(rs.getString(1), rs.getLong(2));
            }
        }
        snapshot = new Snapshot(loadAll(c), java.util.Collections.unmodifiableMap(loadedIds));
    }

    private static Map<String, CatalogObject> loadAll(Connection c) throws SQLException {
        Map<String, CatalogObject> objects = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name_key, definition FROM asof_definition ORDER BY created_at, name_key")) {
            while (rs.next()) {
                objects.put(rs.getString(1), DefinitionCodec.decode(rs.getString(2)));
            }
        }
        return java.util.Collections.unmodifiableMap(objects);
    }

    private static Optional<CatalogObject> load(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT definition FROM asof_definition WHERE name_key = ? FOR UPDATE")) {
            ps.setString(1, key(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(DefinitionCodec.decode(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        return load(c, name).isPresent();
    }

    private static void requireKind(Connection c, String name, String kind, String what) throws SQLException {
        Optional<CatalogObject> o = load(c, name);
        if (o.isEmpty() || !o.get().tableType().equals(kind)) {
            throw new AsofException(ErrorCode.UNKNOWN_OBJECT, what + " '" + name + "' not found");
        }
    }

    private static String kindOf(CatalogObject o) {
        return o instanceof Entity ? "entity" : o instanceof Source ? "source" : "feature view";
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        database.close();
    }
}
