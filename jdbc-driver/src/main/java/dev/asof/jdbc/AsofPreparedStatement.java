package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.Meta;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A prepared statement whose {@code cancel()} and query timeout reach the gateway
 * ({@link ServerCancel}). The JDBC 4.1 setters delegate to Avatica's parameter sites, as Avatica's
 * own prepared statement does.
 */
final class AsofPreparedStatement extends AvaticaPreparedStatement {
  AsofPreparedStatement(AvaticaConnection connection, Meta.StatementHandle h,
      Meta.Signature signature, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    super(connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override public ResultSet executeQuery() throws SQLException {
    return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::executeQuery);
  }

  @Override public boolean execute() throws SQLException {
    return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::execute);
  }

  @Override public long executeLargeUpdate() throws SQLException {
    return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::executeLargeUpdate);
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

  @Override public void setRowId(int parameterIndex, java.sql.RowId x0) throws SQLException {
    getSite(parameterIndex).setRowId(x0);
  }

  @Override public void setNString(int parameterIndex, String x0) throws SQLException {
    getSite(parameterIndex).setNString(x0);
  }

  @Override public void setNCharacterStream(int parameterIndex, java.io.Reader x0, long x1) throws SQLException {
    getSite(parameterIndex).setNCharacterStream(x0, x1);
  }

  @Override public void setNClob(int parameterIndex, java.sql.NClob x0) throws SQLException {
    getSite(parameterIndex).setNClob(x0);
  }

  @Override public void setClob(int parameterIndex, java.io.Reader x0, long x1) throws SQLException {
    getSite(parameterIndex).setClob(x0, x1);
  }

  @Override public void setBlob(int parameterIndex, java.io.InputStream x0, long x1) throws SQLException {
    getSite(parameterIndex).setBlob(x0, x1);
  }

  @Override public void setNClob(int parameterIndex, java.io.Reader x0, long x1) throws SQLException {
    getSite(parameterIndex).setNClob(x0, x1);
  }

  @Override public void setSQLXML(int parameterIndex, java.sql.SQLXML x0) throws SQLException {
    getSite(parameterIndex).setSQLXML(x0);
  }

  @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x0, long x1) throws SQLException {
    getSite(parameterIndex).setAsciiStream(x0, x1);
  }

  @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x0, long x1) throws SQLException {
    getSite(parameterIndex).setBinaryStream(x0, x1);
  }

  @Override public void setCharacterStream(int parameterIndex, java.io.Reader x0, long x1) throws SQLException {
    getSite(parameterIndex).setCharacterStream(x0, x1);
  }

  @Override public void setAsciiStream(int parameterIndex, java.io.InputStream x0) throws SQLException {
    getSite(parameterIndex).setAsciiStream(x0);
  }

  @Override public void setBinaryStream(int parameterIndex, java.io.InputStream x0) throws SQLException {
    getSite(parameterIndex).setBinaryStream(x0);
  }

  @Override public void setCharacterStream(int parameterIndex, java.io.Reader x0) throws SQLException {
    getSite(parameterIndex).setCharacterStream(x0);
  }

  @Override public void setNCharacterStream(int parameterIndex, java.io.Reader x0) throws SQLException {
    getSite(parameterIndex).setNCharacterStream(x0);
  }

  @Override public void setClob(int parameterIndex, java.io.Reader x0) throws SQLException {
    getSite(parameterIndex).setClob(x0);
  }

  @Override public void setBlob(int parameterIndex, java.io.InputStream x0) throws SQLException {
    getSite(parameterIndex).setBlob(x0);
  }

  @Override public void setNClob(int parameterIndex, java.io.Reader x0) throws SQLException {
    getSite(parameterIndex).setNClob(x0);
  }
}
