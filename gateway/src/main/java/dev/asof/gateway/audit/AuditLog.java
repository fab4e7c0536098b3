package dev.asof.gateway.audit;

/**
 * Where security-relevant events go: logins (accepted and refused) and user management today;
 * grants, kills and refused statements later. Implementations are thread-safe, never block a
 * caller for long, and never throw: an audit failure is logged, not passed to the client.
 */
public interface AuditLog extends AutoCloseable {
    /** Records {@code event}. */
    void record(AuditEvent event);

    /** Flushes and releases the log; later events are dropped. */
    @Override
    void close();

    /** A log that keeps nothing (executors built without a gateway, unit tests). */
    static AuditLog none() {
        return new AuditLog() {
            @Override
            public void record(AuditEvent event) {}

            @Override
            public void close() {}
        };
    }
}
