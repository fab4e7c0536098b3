package dev.asof.gateway.session;

import static java.util.Objects.requireNonNull;

/**
 * Who is asking: an authenticated user, as each protocol endpoint establishes it per connection
 * or call and passes it into the execution layer, where admin-only statements are checked (and,
 * later, per-object privileges).
 *
 * @param user the user name as it was created
 * @param admin whether the user may manage users
 * @param peer where the call comes from
 */
public record Principal(String user, boolean admin, Peer peer) {
    /**
     * The gateway's own identity: statements run in-process (the demo's setup, tools, tests that
     * use the executor directly) act as an admin. No protocol endpoint ever uses it; the name is
     * not a valid user name, so no login can have it.
     */
    public static final Principal GATEWAY = new Principal("(gateway)", true, Peer.IN_PROCESS);

    public Principal {
        requireNonNull(user, "user");
        requireNonNull(peer, "peer");
    }
}
