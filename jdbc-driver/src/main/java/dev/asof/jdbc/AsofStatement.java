package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

import java.sql.SQLException;

/** A statement whose {@code cancel()} and query timeout reach the gateway ({@link ServerCancel}). */
final class AsofStatement extends AvaticaStatement {
  AsofStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) {
    super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override protected void executeInternal(String sql) throws SQLException {
    try {
      ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), () -> {
        super.executeInternal(sql);
        return null;
      });
    } catch (SQLException e) {
      throw PasswordMasking.masked(GatewayErrors.of(e), sql);
    }
  }

  /**
   * Not synchronized, unlike Avatica's: the executing thread holds this statement's monitor for
   * the whole remote call, so the gateway is told first, then Avatica's local flag is set (which
   * waits for that call to return).
   */
  @Override public void cancel() throws SQLException {
    if (isClosed()) {
      throw new SQLException("Statement closed");
    }
    ServerCancel.send(this);
    super.cancel();
  }
}
