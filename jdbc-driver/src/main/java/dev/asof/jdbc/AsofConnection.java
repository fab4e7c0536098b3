package dev.asof.jdbc;

import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * Avatica's JDBC 4.1 connection, except that it reads its {@code timeZone} setting once: Avatica
 * parses every connection property again on each statement execution just to find it.
 */
final class AsofConnection extends AvaticaConnection {
  /** The {@code timeZone} connection property; null means the JVM's default time zone. */
  private final String timeZoneId;

  AsofConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
    super(driver, factory, url, info);
    this.timeZoneId = config().timeZone();
  }

  /**
   * As Avatica's, but a refusal from the gateway (e.g. credentials no longer valid: SQLSTATE
   * 28P01) is an SQLException with its SQLSTATE, not Avatica's unchecked exception.
   */
  @Override public org.apache.calcite.avatica.AvaticaStatement createStatement(int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws java.sql.SQLException {
    try {
      return super.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
    } catch (org.apache.calcite.avatica.AvaticaClientRuntimeException e) {
      throw GatewayErrors.of(e);
    }
  }

  /**
   * As Avatica's, except that a gateway refusing the credentials (SQLSTATE 28xxx: the password was
   * changed or the user dropped meanwhile) does not fail the close: the connection is unusable
   * anyway, and the gateway closes it when it has been idle long enough.
   */
  @Override public void close() throws java.sql.SQLException {
    try {
      super.close();
    } catch (java.sql.SQLException e) {
      if (e.getSQLState() == null || !e.getSQLState().startsWith("28")) {
        throw e;
      }
    } finally {
      java.util.List<AutoCloseable> toClose;
      synchronized (this) {
        toClose = resources;
        resources = null;
      }
      if (toClose != null) {
        for (AutoCloseable r : toClose) {
          try {
            r.close();
          } catch (Exception ignored) {
            // closing anyway
          }
        }
      }
    }
  }

  /**
   * As Avatica's, except that a failure carries the gateway's message (Avatica's says only
   * {@code while preparing SQL: …}; see {@link GatewayErrors}), with any password in the statement
   * masked.
   */
  @Override public java.sql.PreparedStatement prepareStatement(String sql, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) throws java.sql.SQLException {
    checkOpen();
    try {
      org.apache.calcite.avatica.Meta.StatementHandle h = meta.prepare(handle, sql, -1);
      return factory.newPreparedStatement(this, h, h.signature, resultSetType, resultSetConcurrency,
          resultSetHoldability);
    } catch (org.apache.calcite.avatica.AvaticaClientRuntimeException e) {
      throw PasswordMasking.masked(GatewayErrors.of(e), sql);
    } catch (RuntimeException e) {
      throw PasswordMasking.masked(new java.sql.SQLException("while preparing SQL: " + sql, e), sql);
    }
  }

  /** As Avatica's, except that the gateway's refusal is its own message and SQLSTATE ({@link GatewayErrors}). */
  @Override protected org.apache.calcite.avatica.Meta.ExecuteResult prepareAndExecuteInternal(
      org.apache.calcite.avatica.AvaticaStatement statement, String sql, long maxRowCount)
      throws java.sql.SQLException, org.apache.calcite.avatica.NoSuchStatementException {
    try {
      return super.prepareAndExecuteInternal(statement, sql, maxRowCount);
    } catch (org.apache.calcite.avatica.AvaticaClientRuntimeException e) {
      throw GatewayErrors.of(e);
    }
  }

  /**
   * Released when this connection closes (e.g. the HTTP pool of a connection with its own CA).
   * No initializer: Avatica's constructor creates the service, which registers here, before this
   * class's field initializers would run.
   */
  private java.util.List<AutoCloseable> resources;

  /** A connection property as given (URL properties over {@code Properties}); null when absent. */
  String property(String key) {
    return info.getProperty(key);
  }

  /** Closes {@code resource} when this connection closes. */
  synchronized void closeWith(AutoCloseable resource) {
    if (resources == null) {
      resources = new java.util.ArrayList<>();
    }
    resources.add(resource);
  }

  /** As Avatica's: the {@code timeZone} property's zone, else the JVM default at the time of the call. */
  @Override public TimeZone getTimeZone() {
    return timeZoneId == null ? TimeZone.getDefault() : TimeZone.getTimeZone(timeZoneId);
  }
}
