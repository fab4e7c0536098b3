package dev.asof.planner.plan;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A password as a user typed it, on its way from the parser to the hasher. It prints as
 * {@code ***} so that a plan, a log line or an error message that includes it by accident shows no
 * clear text; only {@link #reveal()} gives the value.
 */
public final class Secret {
    /** {@code PASSWORD '...'} (quotes doubled inside), also unterminated at the end of the text. */
    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?i)(\\bPASSWORD\\s+)'(?:[^']|'')*(?:'|$)");

    private final String value;

    /** Wraps {@code value}. */
    public Secret(String value) {
        this.value = requireNonNull(value, "value");
    }

    /** The clear text, for hashing or verifying only. */
    public String reveal() {
        return value;
    }

    /**
     * {@code sql} with every {@code PASSWORD '...'} literal replaced by {@code PASSWORD '***'}: the
     * form in which a statement's text may be shown, kept or logged.
     */
    public static String maskPasswords(String sql) {
        if (sql == null || sql.isEmpty()) {
            return sql;
        }
        return PASSWORD_LITERAL.matcher(sql).replaceAll("$1'***'");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Always {@code ***}. */
    @Override
    public String toString() {
        return "***";
    }
}
