package dev.asof.gateway.online;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Where an ONLINE view over a push source stands, for {@code sys.online_views}.
 *
 * @param state {@code rebuilding} (from the warehouse; pushed rows wait), {@code live} (rows are
 *     applied as they arrive), {@code failed: <why>} (rebuilt again shortly), or
 *     {@code not maintained: <why>} (served from MATERIALIZE runs only)
 * @param appliedThrough the created time of the newest pushed row applied to the view (UTC)
 * @param queuedRows pushed rows durable but not yet applied to the view: waiting in the queue,
 *     for a rebuild to finish, or for their event time to come
 */
public record PushStatus(String state, Optional<Instant> appliedThrough, long queuedRows) {
    public PushStatus {
        requireNonNull(state, "state");
        requireNonNull(appliedThrough, "appliedThrough");
    }
}
