package dev.asof.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.metadata.UploadSchemas;
import dev.asof.gateway.registry.GrantStore;
import dev.asof.gateway.registry.Registry;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.access.Access;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.planner.plan.PlannedStatement;
import dev.asof.spi.TableName;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where asof decides whether a user may run a planned statement. The execution
 * layer calls {@link #check} with every statement before it runs (and again before each execution
 * of a prepared one); metadata listings ask {@link #readPolicy}.
 *
 * <p>Rules: admins may do everything. Everyone else needs
 * <ul>
 *   <li>SELECT on each feature view and source a query, lookup, snapshot or EXPLAIN names, and on
 *       each warehouse table it names (spines, plain queries). A feature view is read with the
 *       view's rights: SELECT on the view is enough to read it, not on its source. Entities hold
 *       no data and are visible to every user; a session's own upload tables are its own.
 *   <li>MATERIALIZE on the feature view for {@code MATERIALIZE}.
 *   <li>INSERT on a push source to push rows into it (JDBC INSERT, Flight SQL ingest).
 *   <li>CREATE for CREATE/DROP ENTITY, SOURCE, FEATURE VIEW and ALTER SOURCE … REFRESH, plus
 *       SELECT on the table a new source reads, or on the source a new view reads.
 *   <li>nothing outside registry objects and warehouse tables: a query whose tree calls a table
 *       function or a function the planner does not know ({@link Access#outside()}), and every
 *       statement asof does not plan (COPY, ATTACH, CREATE TABLE, …), is for admins only, as are
 *       sources over files and the user, role and grant statements (SHOW GRANTS: one's own).
 * </ul>
 * A refusal is {@link ErrorCode#INSUFFICIENT_PRIVILEGE} (SQLSTATE 42501) naming the object and the
 * missing privilege, and is audited.
 *
 * <p>Allowed decisions on statements that are executed again and again (online lookups, and
 * statements with parameters) are cached per user and plan (by identity: a prepared statement's
 * plan is one object for its life), under the grants' {@linkplain GrantStore.Grants#version()
 * version}: any registry change makes them stale, so a lookup executed again costs a map lookup.
 * Other statements are checked in full, which reads only in-memory snapshots.
 */
public final class AccessControl {
    /** Cached decisions kept at most; past it the cache starts over (statements come and go). */
    private static final int MAX_CACHED = 1024;

    private final Registry registry;
    private final SecurityAudit audit;
    private final ConcurrentHashMap<Decision, Long> allowed = new ConcurrentHashMap<>();

    public AccessControl(Registry registry, SecurityAudit audit) {
        this.registry = requireNonNull(registry, "registry");
        this.audit = requireNonNull(audit, "audit");
    }

    /** An allowed decision: the user (lower case) and the plan object. */
    private record Decision(String user, Identity plan) {}

    /** A plan compared by identity: plans of different statements may be equal records. */
    private static final class Identity {
        private final Object object;

        Identity(Object object) {
            this.object = object;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
    }

    /**
     * Fails with {@link ErrorCode#INSUFFICIENT_PRIVILEGE} unless {@code principal} may run
     * {@code statement}; the refusal is audited with an excerpt of {@code text} (which must not
     * hold a password).
     */
    public void check(Principal principal, PlannedStatement statement, String text) {
        requireNonNull(principal, "principal");
        if (principal.admin()) {
            return;
        }
        GrantStore.Grants grants = registry.grants().snapshot();
        Decision key = new Decision(principal.user().toLowerCase(Locale.ROOT), new Identity(statement));
        Long version = allowed.get(key);
        if (version != null && version == grants.version()) {
            return;
        }
        Optional<Refusal> refusal = statement.accept(new Rules(principal, grants));
        if (refusal.isPresent()) {
            audit.refused(principal, kindOf(statement), refusal.get().reason(), text);
            throw new AsofException(ErrorCode.INSUFFICIENT_PRIVILEGE, "permission denied: " + refusal.get().reason());
        }
        if (statement instanceof PlannedStatement.Lookup || statement.parameterCount() > 0) {
            if (allowed.size() >= MAX_CACHED) {
                allowed.clear();
            }
            allowed.put(key, grants.version());
        }
    }

    /**
     * Refuses (and audits) {@code statement} because {@code principal} may not read
     * {@code object} (e.g. {@code feature view customer_spend}); for checks made where a name is
     * resolved at execution (DESCRIBE).
     */
    public void requireRead(Principal principal, PlannedStatement statement, String object) {
        String reason = "user '" + principal.user() + "' needs SELECT on " + object;
        audit.refused(principal, kindOf(statement), reason, "");
        throw new AsofException(ErrorCode.INSUFFICIENT_PRIVILEGE, "permission denied: " + reason);
    }

    /** What {@code principal} may read and list. */
    public ReadPolicy readPolicy(Principal principal) {
        if (principal.admin()) {
            return ReadPolicy.everything();
        }
        GrantStore.Grants grants = registry.grants().snapshot();
        String user = principal.user();
        return new ReadPolicy() {
            @Override
            public boolean object(CatalogObject object) {
                return mayRead(grants, user, object);
            }

            @Override
            public boolean table(TableName table) {
                return mayRead(grants, user, table);
            }
        };
    }

    private static boolean mayRead(GrantStore.Grants grants, String user, CatalogObject object) {
        if (object instanceof Entity) {
            return true;
        }
        SecurableKind kind = object instanceof FeatureView || object instanceof RequestView ? SecurableKind.FEATURE_VIEW
                : SecurableKind.SOURCE;
        return grants.holds(user, Privilege.SELECT, Optional.of(kind), object.name());
    }

    private static boolean mayRead(GrantStore.Grants grants, String user, TableName table) {
        if (table.isQualified() && UploadSchemas.isUploadSchema(table.schema().orElseThrow())) {
            // A session sees only its own upload schema; planning already hides the others'.
            return true;
        }
        return grants.holds(user, Privilege.SELECT, Optional.of(SecurableKind.TABLE), table.toString());
    }

    /** Why a statement is refused. */
    private record Refusal(String reason) {}

    /** The privilege rules, one per kind of statement. */
    private final class Rules implements PlannedStatement.Visitor<Optional<Refusal>> {
        private final Principal principal;
        private final GrantStore.Grants grants;

        Rules(Principal principal, GrantStore.Grants grants) {
            this.principal = principal;
            this.grants = grants;
        }

        private Optional<Refusal> missing(Privilege privilege, String object) {
            return Optional.of(new Refusal("user '" + principal.user() + "' needs " + privilege + " on " + object));
        }

        private Optional<Refusal> adminOnly(String what) {
            return Optional.of(new Refusal(what + " is for admins only; user '" + principal.user()
                    + "' is not an admin"));
        }

        private Optional<Refusal> reads(Access access) {
            if (!access.planned()) {
                return adminOnly("a statement asof does not plan (sent to the warehouse as written)");
            }
            if (!access.outside().isEmpty()) {
                return Optional.of(new Refusal(String.join(", ", access.outside()) + " can reach files, the network,"
                        + " settings or other databases and is for admins only; user '" + principal.user()
                        + "' is not an admin"));
            }
            for (String name : access.objects()) {
                Optional<CatalogObject> object = registry.get(name);
                if (object.isPresent() && !mayRead(grants, principal.user(), object.get())) {
                    return missing(Privilege.SELECT, describe(object.get()));
                }
            }
            for (TableName table : access.tables()) {
                if (!mayRead(grants, principal.user(), table)) {
                    return missing(Privilege.SELECT, "table " + table);
                }
            }
            return Optional.empty();
        }

        private Optional<Refusal> create(String what) {
            if (!grants.holds(principal.user(), Privilege.CREATE, Optional.empty(), "")) {
                return Optional.of(new Refusal("user '" + principal.user() + "' needs CREATE to " + what));
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Query statement) {
            return reads(statement.access());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.PassThrough statement) {
            return reads(statement.access());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Lookup statement) {
            return reads(statement.access());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Materialize statement) {
            if (!grants.holds(principal.user(), Privilege.MATERIALIZE, Optional.of(SecurableKind.FEATURE_VIEW),
                    statement.view())) {
                return missing(Privilege.MATERIALIZE, "feature view " + statement.view());
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.SystemQuery statement) {
            return Optional.empty(); // rows are filtered by the read policy
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Explain statement) {
            return statement.statement().accept(this);
        }

        /**
         * Monitoring settings (LOG SAMPLE, DRIFT THRESHOLD) need MATERIALIZE on the view, as they
         * change how it is served; VALIDATE and ANALYZE read its values and need SELECT on it.
         */
        @Override
        public Optional<Refusal> visit(PlannedStatement.FeatureQuality statement) {
            String view = statement.statement().view();
            if (statement.statement().changesSettings()) {
                return grants.holds(principal.user(), Privilege.MATERIALIZE, Optional.of(SecurableKind.FEATURE_VIEW), view)
                        ? Optional.empty() : missing(Privilege.MATERIALIZE, "feature view " + view);
            }
            Optional<CatalogObject> object = registry.get(view);
            return object.isPresent() && !mayRead(grants, principal.user(), object.get())
                    ? missing(Privilege.SELECT, describe(object.get())) : Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateEntity statement) {
            return create("create entity " + statement.entity().name());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateSource statement) {
            if (statement.push().isPresent()) {
                return create("create source " + statement.name()); // its table is asof's own
            }
            if (statement.location() instanceof SourceLocation.File) {
                return adminOnly("a source over a file (CREATE SOURCE ... FROM FILE)");
            }
            Optional<Refusal> refusal = create("create source " + statement.name());
            if (refusal.isPresent()) {
                return refusal;
            }
            TableName table = ((SourceLocation.Table) statement.location()).name();
            if (!mayRead(grants, principal.user(), table)) {
                return missing(Privilege.SELECT, "table " + table);
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateFeatureView statement) {
            Optional<Refusal> refusal = create("create feature view " + statement.draft().name());
            if (refusal.isPresent()) {
                return refusal;
            }
            Optional<CatalogObject> source = registry.get(statement.draft().source());
            if (source.isPresent() && !mayRead(grants, principal.user(), source.get())) {
                return missing(Privilege.SELECT, "source " + source.get().name());
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateRequestView statement) {
            Optional<Refusal> refusal = create("create feature view " + statement.view().name());
            if (refusal.isPresent()) {
                return refusal;
            }
            // Its readers need SELECT on it alone, so its creator must be able to read what it exposes.
            Optional<CatalogObject> view = registry.get(statement.view().view());
            if (view.isPresent() && !mayRead(grants, principal.user(), view.get())) {
                return missing(Privilege.SELECT, "feature view " + view.get().name());
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Drop statement) {
            return create("drop " + statement.kind().keyword().toLowerCase(Locale.ROOT) + " " + statement.name());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Show statement) {
            return Optional.empty(); // lists only what the user may read
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Describe statement) {
            return Optional.empty(); // checked where the name is resolved
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.AlterSourceRefresh statement) {
            Optional<CatalogObject> source = registry.get(statement.name());
            if (source.isPresent() && source.get() instanceof Source s && s.location() instanceof SourceLocation.File) {
                return adminOnly("a source over a file (ALTER SOURCE ... REFRESH)");
            }
            return create("refresh source " + statement.name());
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Push statement) {
            if (!grants.holds(principal.user(), Privilege.INSERT, Optional.of(SecurableKind.SOURCE), statement.source())) {
                return missing(Privilege.INSERT, "source " + statement.source());
            }
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.Kill statement) {
            return Optional.empty(); // the statement registry lets its own user or an admin stop a statement
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateUser statement) {
            return adminOnly("CREATE USER");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.AlterUser statement) {
            return adminOnly("ALTER USER");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.DropUser statement) {
            return adminOnly("DROP USER");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.ShowUsers statement) {
            return adminOnly("SHOW USERS");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.CreateRole statement) {
            return adminOnly("CREATE ROLE");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.DropRole statement) {
            return adminOnly("DROP ROLE");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.GrantPrivilege statement) {
            return adminOnly(statement.revoke() ? "REVOKE" : "GRANT");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.GrantRole statement) {
            return adminOnly(statement.revoke() ? "REVOKE" : "GRANT");
        }

        @Override
        public Optional<Refusal> visit(PlannedStatement.ShowGrants statement) {
            // One's own grants, and those of one's roles.
            if (statement.grantee().isEmpty() || statement.grantee().get().equalsIgnoreCase(principal.user())
                    || grants.rolesOf(principal.user()).stream().anyMatch(r -> r.equalsIgnoreCase(statement.grantee().get()))) {
                return Optional.empty();
            }
            return adminOnly("SHOW GRANTS FOR another user");
        }
    }

    private static String describe(CatalogObject object) {
        return (object instanceof FeatureView || object instanceof RequestView ? "feature view "
                : object instanceof Source ? "source " : "entity ")
                + object.name();
    }

    /** The statement kind as the audit log names it, e.g. {@code Query}, {@code PassThrough}. */
    static String kindOf(PlannedStatement statement) {
        return statement.getClass().getSimpleName();
    }
}
