package dev.asof.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.audit.AuditEvent;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.registry.UserStore;
import dev.asof.gateway.session.Principal;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.plan.PlannedStatement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the user statements (CREATE/ALTER/DROP USER, SHOW USERS) for admins: hashes passwords,
 * changes the {@link UserStore}, tells the authenticator which user changed, and writes each
 * change, and each refusal, to the audit log. Passwords reach nothing but the hasher.
 */
public final class UserAdministration {
    private final UserStore users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Consumer<String> credentialsChanged;

    /**
     * @param credentialsChanged told the name of each user whose password or existence changed
     *     (e.g. {@link Authenticator#forget})
     */
    public UserAdministration(UserStore users, PasswordHasher hasher, AuditLog audit, Clock clock,
            Consumer<String> credentialsChanged) {
        this.users = requireNonNull(users, "users");
        this.hasher = requireNonNull(hasher, "hasher");
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
        this.credentialsChanged = requireNonNull(credentialsChanged, "credentialsChanged");
    }

    /**
     * Fails with {@link ErrorCode#INSUFFICIENT_PRIVILEGE} (SQLSTATE 42501) unless {@code by} is an
     * admin; a refused change is audited.
     */
    public void requireAdmin(Principal by, PlannedStatement statement) {
        if (by.admin()) {
            return;
        }
        String event = event(statement);
        if (event != null) {
            record(by, event, AuditEvent.Outcome.REFUSED, "not an admin");
        }
        throw new AsofException(ErrorCode.INSUFFICIENT_PRIVILEGE, "permission denied: only admins manage users"
                + " (CREATE USER, ALTER USER, DROP USER, SHOW USERS); user '" + by.user() + "' is not an admin");
    }

    /** CREATE USER. */
    public void create(Principal by, PlannedStatement.CreateUser c) {
        requireAdmin(by, c);
        boolean created = users.create(c.name(), hasher.hash(c.password()), c.admin(), c.ifNotExists());
        record(by, "create_user", AuditEvent.Outcome.OK, created
                ? "user '" + c.name() + "' created" + (c.admin() ? " as admin" : "")
                : "user '" + c.name() + "' already exists (IF NOT EXISTS)");
    }

    /** ALTER USER. */
    public void alter(Principal by, PlannedStatement.AlterUser a) {
        requireAdmin(by, a);
        if (a.password().isPresent()) {
            users.setPassword(a.name(), hasher.hash(a.password().get()));
            credentialsChanged.accept(a.name());
            record(by, "alter_user", AuditEvent.Outcome.OK, "password of user '" + a.name() + "' changed");
        } else {
            boolean admin = a.admin().orElseThrow();
            users.setAdmin(a.name(), admin);
            record(by, "alter_user", AuditEvent.Outcome.OK, "user '" + a.name() + "' " + (admin ? "is now" : "is no longer")
                    + " an admin");
        }
    }

    /** DROP USER. */
    public void drop(Principal by, PlannedStatement.DropUser d) {
        requireAdmin(by, d);
        boolean dropped = users.drop(d.name(), d.ifExists());
        credentialsChanged.accept(d.name());
        record(by, "drop_user", AuditEvent.Outcome.OK, dropped ? "user '" + d.name() + "' dropped"
                : "user '" + d.name() + "' does not exist (IF EXISTS)");
    }

    /** SHOW USERS: name, admin, created (UTC); never a hash. */
    public List<List<Object>> show(Principal by, PlannedStatement.ShowUsers s) {
        requireAdmin(by, s);
        List<List<Object>> rows = new ArrayList<>();
        for (UserStore.User u : users.all()) {
            rows.add(List.of(u.name(), u.admin(), LocalDateTime.ofInstant(u.created(), ZoneOffset.UTC)));
        }
        return rows;
    }

    private static String event(PlannedStatement statement) {
        if (statement instanceof PlannedStatement.CreateUser) {
            return "create_user";
        }
        if (statement instanceof PlannedStatement.AlterUser) {
            return "alter_user";
        }
        if (statement instanceof PlannedStatement.DropUser) {
            return "drop_user";
        }
        return null; // SHOW USERS changes nothing: not audited
    }

    /** The audit log these changes go to; other statements the gateway audits (KILL) are written there too. */
    public AuditLog auditLog() {
        return audit;
    }

    private void record(Principal by, String event, AuditEvent.Outcome outcome, String detail) {
        audit.record(new AuditEvent(clock.instant(), event, by.user(), by.peer(), outcome, detail));
    }
}
