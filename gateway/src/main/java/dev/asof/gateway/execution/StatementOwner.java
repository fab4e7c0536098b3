package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

/**
 * Who runs a statement, as {@link RunningStatements} records it. {@code owner} is the handle the
 * statement belongs to (a JDBC connection id, a Flight session id); {@code user} is the name the
 * client declared, or {@code anonymous}, until endpoints authenticate (the principal then goes here).
 *
 * @param protocol {@code jdbc}, {@code flight} or {@code internal}
 */
public record StatementOwner(String owner, String user, String protocol) {
    /** Work the gateway starts itself (materialization, tests, tools). */
    public static final StatementOwner INTERNAL = new StatementOwner("gateway", "gateway", "internal");

    public StatementOwner {
        requireNonNull(owner, "owner");
        requireNonNull(user, "user");
        requireNonNull(protocol, "protocol");
    }
}
