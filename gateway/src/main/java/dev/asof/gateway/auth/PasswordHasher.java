package dev.asof.gateway.auth;

import dev.asof.planner.plan.Secret;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Hashes and verifies passwords with Spring Security's BCrypt (a maintained library, never
 * hand-written crypto). Hashes are stored with their algorithm's id ({@code {bcrypt}$2a$10$…},
 * Spring's {@link DelegatingPasswordEncoder} format), so that a later version can move to another
 * algorithm and still verify old hashes.
 *
 * <p>BCrypt is deliberately slow: cost {@value #DEFAULT_COST} takes about 50-100 ms per hash on
 * current hardware, which is why {@link Authenticator} caches successful verifications. It reads at
 * most 72 bytes of a password; the planner refuses longer ones at CREATE/ALTER USER.
 */
public final class PasswordHasher {
    /** BCrypt's log2 rounds. */
    public static final int DEFAULT_COST = 10;
    private static final String ID = "bcrypt";

    private final PasswordEncoder encoder;
    /** Verified against when the user does not exist, so that both cases take the same time. */
    private final String decoy;

    /** BCrypt with {@code cost} log2 rounds (4..31). */
    public PasswordHasher(int cost) {
        this.encoder = new DelegatingPasswordEncoder(ID, Map.of(ID, new BCryptPasswordEncoder(cost)));
        this.decoy = encoder.encode("decoy password for unknown users");
    }

    /** BCrypt at the {@link #DEFAULT_COST default cost}. */
    public static PasswordHasher bcrypt() {
        return new PasswordHasher(DEFAULT_COST);
    }

    /** A new salted hash of {@code password}. */
    public String hash(Secret password) {
        return encoder.encode(password.reveal());
    }

    /**
     * Whether {@code password} matches {@code hash}; a malformed hash or a password BCrypt cannot
     * take (over 72 bytes) does not match.
     */
    public boolean matches(String password, String hash) {
        try {
            return encoder.matches(password, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Spends the time of one verification and answers false: for names that are not users. */
    public boolean matchesNothing(String password) {
        matches(password, decoy);
        return false;
    }
}
