package dev.asof.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.audit.AuditEvent;
import dev.asof.gateway.audit.AuditLog;
import dev.asof.gateway.session.Principal;
import java.time.Clock;

/**
 * The audit lines of authorization: refused statements, and definition and grant changes. The
 * detail names the statement kind, the object and the reason; statement text only as a short
 * excerpt, from statements that carry no password.
 */
public final class SecurityAudit {
    /** Characters of statement text kept in a line. */
    static final int EXCERPT = 120;

    private final AuditLog audit;
    private final Clock clock;

    public SecurityAudit(AuditLog audit, Clock clock) {
        this.audit = requireNonNull(audit, "audit");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A refused statement: {@code event} {@code refused_statement}. */
    public void refused(Principal principal, String kind, String reason, String text) {
        audit.record(new AuditEvent(clock.instant(), "refused_statement", principal.user(), principal.peer(),
                AuditEvent.Outcome.REFUSED, kind + ": " + reason + excerpt(text)));
    }

    /** A change that was carried out: {@code event} such as {@code create_feature_view} or {@code grant}. */
    public void changed(Principal principal, String event, String detail) {
        audit.record(new AuditEvent(clock.instant(), event, principal.user(), principal.peer(), AuditEvent.Outcome.OK,
                detail));
    }

    private static String excerpt(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String flat = text.strip().replaceAll("\\s+", " ");
        return "; statement: " + (flat.length() <= EXCERPT ? flat : flat.substring(0, EXCERPT) + "…");
    }
}
