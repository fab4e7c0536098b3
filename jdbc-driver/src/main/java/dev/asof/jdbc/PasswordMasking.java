package dev.asof.jdbc;

import java.sql.SQLException;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * Keeps passwords and whole statements out of the driver's error messages: Avatica's client quotes
 * the statement text in them ({@code Error while executing SQL "..."}), and {@code CREATE USER …
 * PASSWORD '…'} / {@code ALTER USER … PASSWORD '…'} carry one. Such messages get
 * {@code PASSWORD '***'} instead, and quote at most the first {@value #EXCERPT_CHARS} characters
 * of a longer statement (a 100 KB statement would otherwise make a 100 KB message).
 */
final class PasswordMasking {
  private static final Pattern PASSWORD_LITERAL =
      Pattern.compile("(?i)(\\bPASSWORD\\s+)'(?:[^']|'')*(?:'|$)");

  /** The most characters of a statement an error message quotes. */
  static final int EXCERPT_CHARS = 200;

  private PasswordMasking() {}

  /** {@code sql}, masked, cut to its first {@value #EXCERPT_CHARS} characters with a note of its length. */
  static String excerpt(String sql) {
    String safe = mask(sql);
    return safe == null || safe.length() <= EXCERPT_CHARS ? safe
        : safe.substring(0, EXCERPT_CHARS) + "… (" + safe.length() + " characters)";
  }

  /** {@code sql} with every {@code PASSWORD '...'} literal replaced by {@code PASSWORD '***'}. */
  static String mask(String sql) {
    return sql == null ? null : PASSWORD_LITERAL.matcher(sql).replaceAll("$1'***'");
  }

  /**
   * {@code e}, or a copy whose message quotes {@code sql} masked when it has a password, and only
   * its excerpt when it is long.
   */
  static SQLException masked(SQLException e, String sql) {
    String safe = excerpt(sql);
    if (sql == null || safe.equals(sql) || e.getMessage() == null) {
      return e;
    }
    String message = mask(e.getMessage().replace(sql, safe));
    SQLException out;
    if (e instanceof AvaticaSqlException) {
      AvaticaSqlException a = (AvaticaSqlException) e;
      out = new AvaticaSqlException(mask(a.getErrorMessage().replace(sql, safe)), a.getSQLState(),
          a.getErrorCode(), a.getStackTraces(), a.getRemoteServer());
    } else {
      out = new SQLException(message, e.getSQLState(), e.getErrorCode());
    }
    // The cause is the gateway's answer, which never holds the password.
    out.initCause(e.getCause());
    out.setStackTrace(e.getStackTrace());
    return out;
  }
}
