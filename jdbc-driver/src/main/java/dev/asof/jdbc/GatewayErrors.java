package dev.asof.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The gateway's errors as the application sees them: the gateway's own message (with its
 * position and hints, e.g. {@code line 1, column 15: … did you mean …}), its SQLSTATE and its asof
 * error code, as the {@link SQLException} subclass JDBC 4 names for the SQLSTATE's class.
 *
 * <p>Avatica's client words errors itself: a failed prepare becomes {@code while preparing SQL: …}
 * without the gateway's message, an execute {@code Error while executing SQL "…": Remote driver
 * error: …}, and a failed fetch escapes {@code ResultSet.next()} as an unchecked exception. The
 * driver's statements, connections and result sets pass their failures through here.
 */
final class GatewayErrors {
  /** How Avatica's client introduces the server's message (Avatica 1.28, bundled and relocated). */
  private static final String REMOTE_PREFIX = "Remote driver error: ";

  private GatewayErrors() {}

  /** The gateway's answer {@code e} as the application's exception. */
  static SQLException of(AvaticaClientRuntimeException e) {
    return withState(ownWords(e.getMessage()), e.getSqlState(), e.getErrorCode());
  }

  /**
   * {@code e} with the gateway's own words when it is Avatica's wording of a gateway error;
   * anything else as it is.
   */
  static SQLException of(SQLException e) {
    if (!(e instanceof AvaticaSqlException) || e.getSQLState() == null) {
      return e;
    }
    String message = ((AvaticaSqlException) e).getErrorMessage();
    if (message == null || !message.contains(REMOTE_PREFIX)) {
      return e;
    }
    SQLException out = withState(ownWords(message), e.getSQLState(), e.getErrorCode());
    out.setStackTrace(e.getStackTrace());
    return out;
  }

  /** The text after Avatica's {@code Remote driver error: }, or all of it. */
  private static String ownWords(String message) {
    if (message == null) {
      return "the gateway reported an error without a message";
    }
    int at = message.lastIndexOf(REMOTE_PREFIX);
    return at < 0 ? message : message.substring(at + REMOTE_PREFIX.length());
  }

  private static SQLException withState(String message, String sqlState, int code) {
    String s = sqlState == null ? "" : sqlState;
    if (s.equals("57014")) {
      return new SQLTimeoutException(message, s, code);
    }
    if (s.startsWith("42")) {
      return new SQLSyntaxErrorException(message, s, code);
    }
    if (s.startsWith("22")) {
      return new SQLDataException(message, s, code);
    }
    if (s.startsWith("28")) {
      return new SQLInvalidAuthorizationSpecException(message, s, code);
    }
    if (s.startsWith("0A")) {
      return new SQLFeatureNotSupportedException(message, s, code);
    }
    if (s.startsWith("53")) {
      return new SQLTransientException(message, s, code);
    }
    if (s.startsWith("54") || s.startsWith("58")) {
      return new SQLNonTransientException(message, s, code);
    }
    return new SQLException(message, sqlState, code);
  }
}
