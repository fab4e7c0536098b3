package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import dev.asof.planner.access.Access;
import dev.asof.planner.catalog.Entity;
import dev.asof.planner.catalog.RequestView;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.parser.ObjectKind;
import dev.asof.planner.parser.Privilege;
import dev.asof.planner.parser.SecurableKind;
import dev.asof.planner.parser.SqlGrant;
import dev.asof.planner.quality.QualityStatement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a statement asks for, as the planner understood it. The gateway executes it, dispatching
 * with {@link #accept}: a new kind of statement is a new record here, and every {@link Visitor}
 * stops compiling until it handles it (the build targets Java 17, which has no pattern
 * {@code switch} over sealed types).
 */
public sealed interface PlannedStatement {
    /** Number of {@code ?} parameters the user's statement has. */
    default int parameterCount() {
        return 0;
    }

    /** Calls the {@code visitor} method for this kind of statement. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of statement. */
    interface Visitor<R> {
        R visit(Query statement);

        R visit(PassThrough statement);

        R visit(Lookup statement);

        R visit(Materialize statement);

        R visit(SystemQuery statement);

        R visit(Explain statement);

        R visit(CreateEntity statement);

        R visit(CreateSource statement);

        R visit(CreateFeatureView statement);

        R visit(CreateRequestView statement);

        R visit(Drop statement);

        R visit(Show statement);

        R visit(Describe statement);

        R visit(AlterSourceRefresh statement);

        R visit(CreateUser statement);

        R visit(AlterUser statement);

        R visit(DropUser statement);

        R visit(ShowUsers statement);

        R visit(Kill statement);

        R visit(CreateRole statement);

        R visit(DropRole statement);

        R visit(GrantPrivilege statement);

        R visit(GrantRole statement);

        R visit(ShowGrants statement);

        R visit(Push statement);

        R visit(FeatureQuality statement);
    }

    /**
     * A visitor that answers a fallback for every kind of statement it does not override: for
     * questions that concern a few kinds only (which statements run a warehouse query, say).
     * Dispatch that must handle every kind implements {@link Visitor} directly.
     */
    abstract class DefaultVisitor<R> implements Visitor<R> {
        private final R fallback;

        protected DefaultVisitor(R fallback) {
            this.fallback = fallback;
        }

        @Override
        public R visit(Query statement) {
            return fallback;
        }

        @Override
        public R visit(PassThrough statement) {
            return fallback;
        }

        @Override
        public R visit(Lookup statement) {
            return fallback;
        }

        @Override
        public R visit(Materialize statement) {
            return fallback;
        }

        @Override
        public R visit(SystemQuery statement) {
            return fallback;
        }

        @Override
        public R visit(Explain statement) {
            return fallback;
        }

        @Override
        public R visit(CreateEntity statement) {
            return fallback;
        }

        @Override
        public R visit(CreateSource statement) {
            return fallback;
        }

        @Override
        public R visit(CreateFeatureView statement) {
            return fallback;
        }

        @Override
        public R visit(CreateRequestView statement) {
            return fallback;
        }

        @Override
        public R visit(Drop statement) {
            return fallback;
        }

        @Override
        public R visit(Show statement) {
            return fallback;
        }

        @Override
        public R visit(Describe statement) {
            return fallback;
        }

        @Override
        public R visit(AlterSourceRefresh statement) {
            return fallback;
        }

        @Override
        public R visit(CreateUser statement) {
            return fallback;
        }

        @Override
        public R visit(AlterUser statement) {
            return fallback;
        }

        @Override
        public R visit(DropUser statement) {
            return fallback;
        }

        @Override
        public R visit(ShowUsers statement) {
            return fallback;
        }

        @Override
        public R visit(Kill statement) {
            return fallback;
        }

        @Override
        public R visit(CreateRole statement) {
            return fallback;
        }

        @Override
        public R visit(DropRole statement) {
            return fallback;
        }

        @Override
        public R visit(GrantPrivilege statement) {
            return fallback;
        }

        @Override
        public R visit(GrantRole statement) {
            return fallback;
        }

        @Override
        public R visit(ShowGrants statement) {
            return fallback;
        }

        @Override
        public R visit(Push statement) {
            return fallback;
        }

        @Override
        public R visit(FeatureQuality statement) {
            return fallback;
        }
    }

    /**
     * A query over registry objects, rewritten to warehouse SQL.
     *
     * @param access what the query reads, for the gateway's privilege checks
     */
    record Query(GeneratedQuery query, Access access) implements PlannedStatement {
        public Query {
            requireNonNull(query, "query");
            requireNonNull(access, "access");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        @Override
        public int parameterCount() {
            return query.parameterCount();
        }
    }

    /**
     * A statement that is not asof's: the user's own SQL for the warehouse, sent as written.
     *
     * @param query whether it returns rows (SELECT, WITH, VALUES …) rather than an update count
     * @param access what it reads: for a query asof parsed, its tables and functions; for any
     *     other statement {@link Access#unplanned()}
     */
    record PassThrough(String sql, boolean query, int parameterCount, Access access) implements PlannedStatement {
        public PassThrough {
            requireNonNull(sql, "sql");
            requireNonNull(access, "access");
        }

        /** A statement asof does not plan. */
        public PassThrough(String sql, boolean query, int parameterCount) {
            this(sql, query, parameterCount, Access.unplanned());
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * A query the online store can answer: key lookups on ONLINE feature views with no AS OF
     * (values now). {@code offline} computes the same rows in the warehouse; it serves the query
     * while the views have no complete materialization.
     */
    record Lookup(LookupPlan lookup, GeneratedQuery offline, Access access) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public Lookup {
            requireNonNull(lookup, "lookup");
            requireNonNull(offline, "offline");
            requireNonNull(access, "access");
        }

        @Override
        public int parameterCount() {
            return offline.parameterCount();
        }
    }

    /**
     * MATERIALIZE: compute an ONLINE view into the online store.
     *
     * @param from apply changes that became visible after this instant; empty means since the last
     *     complete run (everything on the first run)
     * @param to compute the view as of this instant; empty means now
     */
    record Materialize(String view, Optional<Instant> from, Optional<Instant> to) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public Materialize {
            requireNonNull(view, "view");
            requireNonNull(from, "from");
            requireNonNull(to, "to");
        }
    }

    /**
     * A query over asof's system tables ({@code sys.materializations}, …), answered by the gateway
     * itself; {@code sql} is the user's text.
     */
    record SystemQuery(String sql, int parameterCount) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public SystemQuery {
            requireNonNull(sql, "sql");
        }
    }

    /** EXPLAIN: how the statement would run. */
    /**
     * @param onlineRefusal for a query shaped as an online lookup that runs in the warehouse
     *     because of an expression: why
     */
    record Explain(PlannedStatement statement, Optional<String> onlineRefusal, List<String> requestViews)
            implements PlannedStatement {
        /**
         * @param requestViews one line per request-time view the query read, saying what it was
         *     expanded into (see {@code RequestViewExpander#explained})
         */
        public Explain {
            requireNonNull(statement, "statement");
            requireNonNull(onlineRefusal, "onlineRefusal");
            requestViews = List.copyOf(requestViews);
        }

        public Explain(PlannedStatement statement, Optional<String> onlineRefusal) {
            this(statement, onlineRefusal, List.of());
        }

        public Explain(PlannedStatement statement) {
            this(statement, Optional.empty());
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    record CreateEntity(Entity entity, boolean ifNotExists) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * CREATE SOURCE; the gateway reads the columns from the warehouse, then {@code DefinitionPlanner#source} checks them.
     * A push source ({@code push} present) has its unqualified name as location until the gateway
     * creates its table.
     */
    record CreateSource(String name, SourceLocation location, String eventTime, Optional<String> createdTime,
            String ddl, boolean ifNotExists, Optional<PushDefinition> push) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        /** A source over a table or file. */
        public CreateSource(String name, SourceLocation location, String eventTime, Optional<String> createdTime,
                String ddl, boolean ifNotExists) {
            this(name, location, eventTime, createdTime, ddl, ifNotExists, Optional.empty());
        }

        public CreateSource {
            requireNonNull(name, "name");
            requireNonNull(location, "location");
            requireNonNull(eventTime, "eventTime");
            requireNonNull(createdTime, "createdTime");
            requireNonNull(ddl, "ddl");
            requireNonNull(push, "push");
        }
    }

    /**
     * {@code INSERT INTO source [(columns)] VALUES (...), ...} into a push source: rows for asof's
     * write-ahead log, not for the warehouse.
     *
     * @param source the push source's registry name
     * @param columns for each value position of a row, the index of the column it fills in
     *     {@code Source.pushedColumns()}; columns not named are NULL
     * @param rows the rows as written, each value a literal or a parameter
     * @param parameterTypes for each {@code ?} marker in order, the type of the column it fills
     */
    record Push(String source, List<Integer> columns, List<List<PushValue>> rows,
            List<java.sql.JDBCType> parameterTypes) implements PlannedStatement {
        public Push {
            requireNonNull(source, "source");
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
            parameterTypes = List.copyOf(parameterTypes);
        }

        @Override
        public int parameterCount() {
            return parameterTypes.size();
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * CREATE FEATURE VIEW, checked against the catalog; the gateway types its columns by asking the
     * warehouse to describe {@code describeSql}, then builds the view with {@code DefinitionPlanner#featureView}.
     */
    record CreateFeatureView(FeatureViewDraft draft, String describeSql, boolean ifNotExists,
            java.util.OptionalDouble logSample) implements PlannedStatement {
        public CreateFeatureView {
            requireNonNull(logSample, "logSample");
        }

        /** Without a {@code LOG SAMPLE} clause. */
        public CreateFeatureView(FeatureViewDraft draft, String describeSql, boolean ifNotExists) {
            this(draft, describeSql, ifNotExists, java.util.OptionalDouble.empty());
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** CREATE FEATURE VIEW … REQUEST (…): a request-time view, complete (typed by the planner). */
    record CreateRequestView(RequestView view, boolean ifNotExists) implements PlannedStatement {
        public CreateRequestView {
            requireNonNull(view, "view");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    record Drop(ObjectKind kind, String name, boolean ifExists) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    record Show(ObjectKind kind) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    record Describe(List<String> name) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * {@code ALTER SOURCE name REFRESH}: re-reads the source's columns from its table or file and
     * keeps them as the declared ones, if its time columns and the columns its feature views use
     * are still there with the same types.
     */
    record AlterSourceRefresh(String name) implements PlannedStatement {
        public AlterSourceRefresh {
            java.util.Objects.requireNonNull(name, "name");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** Cancels the running statement with this id ({@code sys.statements}); an update count of 1. */
    record Kill(String statementId) implements PlannedStatement {
        public Kill {
            requireNonNull(statementId, "statementId");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * CREATE USER: a login kept in the registry. Admin-only, like every user statement.
     *
     * @param name the user name as written (user names compare case-insensitively)
     * @param password the password in clear, hashed by the gateway before it is stored
     * @param admin whether the user may manage users (and, later, grants)
     */
    record CreateUser(String name, Secret password, boolean admin, boolean ifNotExists) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public CreateUser {
            requireNonNull(name, "name");
            requireNonNull(password, "password");
        }
    }

    /**
     * ALTER USER: a new password, or the admin flag set or cleared; exactly one of the two is
     * present.
     */
    record AlterUser(String name, Optional<Secret> password, Optional<Boolean> admin) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public AlterUser {
            requireNonNull(name, "name");
            requireNonNull(password, "password");
            requireNonNull(admin, "admin");
            if (password.isPresent() == admin.isPresent()) {
                throw new IllegalArgumentException("ALTER USER changes either the password or the admin flag");
            }
        }
    }

    /** DROP USER. */
    record DropUser(String name, boolean ifExists) implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }

        public DropUser {
            requireNonNull(name, "name");
        }
    }

    /** SHOW USERS: name, admin flag and creation time of every user; never a password or hash. */
    record ShowUsers() implements PlannedStatement {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** CREATE ROLE: a named set of grants, given to users with {@code GRANT role TO user}. */
    record CreateRole(String name, boolean ifNotExists) implements PlannedStatement {
        public CreateRole {
            requireNonNull(name, "name");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** DROP ROLE: the role, its grants and its memberships go. */
    record DropRole(String name, boolean ifExists) implements PlannedStatement {
        public DropRole {
            requireNonNull(name, "name");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * An object a privilege is granted on.
     *
     * @param name one name for feature views and sources; a warehouse table's name as written
     *     (one to three parts), qualified by the gateway
     */
    record SecuredObject(SecurableKind kind, List<String> name) {
        public SecuredObject {
            requireNonNull(kind, "kind");
            name = List.copyOf(name);
        }

        @Override
        public String toString() {
            return kind.keyword() + " " + String.join(".", name);
        }
    }

    /**
     * GRANT or REVOKE of a privilege: SELECT or MATERIALIZE on an object, CREATE or ADMIN.
     *
     * @param granteeKind whether the statement said USER or ROLE; empty lets the gateway find
     *     which the name is
     */
    record GrantPrivilege(Privilege privilege, Optional<SecuredObject> object, String grantee,
            Optional<SqlGrant.GranteeKind> granteeKind, boolean revoke) implements PlannedStatement {
        public GrantPrivilege {
            requireNonNull(privilege, "privilege");
            requireNonNull(object, "object");
            requireNonNull(grantee, "grantee");
            requireNonNull(granteeKind, "granteeKind");
            if (object.isPresent() != privilege.onObject()) {
                throw new IllegalArgumentException(privilege + (privilege.onObject() ? " needs" : " takes no") + " object");
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** GRANT role TO user, or REVOKE role FROM user. */
    record GrantRole(String role, String user, boolean revoke) implements PlannedStatement {
        public GrantRole {
            requireNonNull(role, "role");
            requireNonNull(user, "user");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * A monitoring statement on a feature view (ALTER FEATURE VIEW … SET LOG SAMPLE / DRIFT
     * THRESHOLD, VALIDATE, ANALYZE): one record, its kinds in {@link QualityStatement}.
     */
    record FeatureQuality(QualityStatement statement) implements PlannedStatement {
        public FeatureQuality {
            requireNonNull(statement, "statement");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** SHOW GRANTS [FOR name]: empty means the caller's own. */
    record ShowGrants(Optional<String> grantee) implements PlannedStatement {
        public ShowGrants {
            requireNonNull(grantee, "grantee");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * Whether a statement manages users: such statements are for admins only, and their text
     * carries a password that must be masked wherever it is shown or logged.
     */
    static boolean managesUsers(PlannedStatement statement) {
        return statement instanceof CreateUser || statement instanceof AlterUser || statement instanceof DropUser
                || statement instanceof ShowUsers;
    }
}
