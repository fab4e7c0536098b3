package dev.asof.gateway.audit;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.session.Peer;
import java.time.Instant;
import java.util.Locale;

/**
 * One line of the audit log.
 *
 * @param time when it happened
 * @param event what happened: {@code login}, {@code create_user}, {@code alter_user},
 *     {@code drop_user}; later work adds more (grants, kills, refused statements)
 * @param user who did it (for a refused login: the name that was presented, possibly empty)
 * @param peer protocol and remote address of the call
 * @param outcome whether it was allowed
 * @param detail a short explanation, never a password
 */
public record AuditEvent(Instant time, String event, String user, Peer peer, Outcome outcome, String detail) {
    /** Whether the audited action was carried out. */
    public enum Outcome {
        OK, REFUSED;

        /** {@code ok} or {@code refused}, as written in the log. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AuditEvent {
        requireNonNull(time, "time");
        requireNonNull(event, "event");
        requireNonNull(user, "user");
        requireNonNull(peer, "peer");
        requireNonNull(outcome, "outcome");
        requireNonNull(detail, "detail");
    }
}
