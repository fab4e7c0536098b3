package dev.asof.gateway.server.avatica;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.auth.Authenticator;
import dev.asof.gateway.session.Principal;

/**
 * Who sent the JDBC request being served. {@link AvaticaHttpServer} authenticates each HTTP
 * request and sets its principal for the duration of the service call (which runs on one request
 * thread, start to end); {@link AsofMeta} reads it to bind connections to their user and to run
 * statements as that user.
 */
final class RequestIdentity {
    private final Authenticator authenticator;
    /** Per endpoint, not static: two endpoints in one process never see each other's callers. */
    private final ThreadLocal<Principal> current = new ThreadLocal<>();

    RequestIdentity(Authenticator authenticator) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** Runs {@code call} as {@code principal}. */
    <T> T as(Principal principal, java.util.function.Supplier<T> call) {
        current.set(requireNonNull(principal, "principal"));
        try {
            return call.get();
        } finally {
            current.remove();
        }
    }

    /** The caller of the request in service on this thread. */
    Principal current() {
        Principal p = current.get();
        if (p == null) {
            // Every request is authenticated before dispatch; reaching this is a bug, not a client error.
            throw new IllegalStateException("JDBC request served without an authenticated principal");
        }
        return p;
    }

    /** Audits an accepted login when a JDBC connection opens (not on every request). */
    void connectionOpened(Principal principal, String connectionId) {
        // Connection ids are the client's choice: keep at most 64 characters of one in the log.
        String id = connectionId.length() <= 64 ? connectionId : connectionId.substring(0, 64) + "…";
        authenticator.recordLogin(principal, "JDBC connection " + id + " opened");
    }
}
