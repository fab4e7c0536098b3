package dev.asof.gateway.metadata;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.SchemaName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;

/**
 * Warehouse schemas that hold a session's uploaded tables (Flight SQL bulk ingest):
 * {@code <catalog>.asof_session_<id>}. A session sees its own upload schema and never another
 * session's; a session without uploads (every JDBC session) sees none. Planning and every
 * metadata listing apply this one rule.
 */
public final class UploadSchemas {
    /** Prefix of every upload schema's name. */
    public static final String PREFIX = "asof_session_";

    private UploadSchemas() {}

    /**
     * The key of the session a user names {@code clientSessionId}: a session belongs to the user
     * who names it, so the same id from another user (ids are chosen by clients, and guessable) is
     * another session with other uploads.
     */
    public static String sessionKey(String user, String clientSessionId) {
        requireNonNull(user, "user");
        requireNonNull(clientSessionId, "clientSessionId");
        return user.toLowerCase(Locale.ROOT) + ":" + clientSessionId;
    }

    /**
     * The upload schema name of a session ({@link #sessionKey}): its key lower-cased with every
     * character but letters, digits and '_' as '_' (readable), then '_' and 12 hex digits of the
     * SHA-256 of the exact key. Keys that differ only in case or in '-' against '_'
     * ({@code alice-notebook-1}, {@code ALICE_notebook_1}) get different schemas, which the
     * readable part alone would merge (warehouses fold unquoted case).
     */
    public static String schemaName(String sessionId) {
        requireNonNull(sessionId, "sessionId");
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        return PREFIX + sessionId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + HexFormat.of().formatHex(digest, 0, 6);
    }

    /** Whether {@code schema} is some session's upload schema (by its name). */
    public static boolean isUploadSchema(String schema) {
        return schema.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** A name in statement text that looks like an upload schema's, quoted or not. */
    private static final Pattern NAMED = Pattern.compile("(?i)(?<![A-Za-z0-9_$])" + PREFIX + "[A-Za-z0-9_$]*");

    /**
     * Refuses a statement whose text names an upload schema other than the session's own, before it
     * is planned or sent anywhere: statements passed through to the warehouse as written
     * ({@code INSERT}, {@code UPDATE}, {@code DROP}…) and {@code DESCRIBE} would otherwise reach
     * another session's tables. The refusal reads like a missing object's, so that it reveals
     * nothing. Names starting with {@value #PREFIX} are reserved: one in a string literal is refused
     * too.
     *
     * @throws AsofException UNKNOWN_OBJECT naming the first such name
     */
    public static void requireOwn(String sql, List<SchemaName> sessionSchemas) {
        if (sql == null) {
            return; // an empty statement (as Avatica delivers one): the planner says what is wrong
        }
        Matcher m = NAMED.matcher(sql);
        while (m.find()) {
            String name = m.group();
            boolean own = sessionSchemas.stream().anyMatch(s -> s.schema().equalsIgnoreCase(name));
            if (!own) {
                throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "table or schema '" + name + "' not found");
            }
        }
    }

    /**
     * Whether a session whose own schemas are {@code sessionSchemas} may see {@code schema}: any
     * schema that is not an upload schema, and its own upload schema.
     */
    public static boolean visible(SchemaName schema, List<SchemaName> sessionSchemas) {
        if (!isUploadSchema(schema.schema())) {
            return true;
        }
        for (SchemaName own : sessionSchemas) {
            if (own.catalog().equalsIgnoreCase(schema.catalog()) && own.schema().equalsIgnoreCase(schema.schema())) {
                return true;
            }
        }
        return false;
    }
}
