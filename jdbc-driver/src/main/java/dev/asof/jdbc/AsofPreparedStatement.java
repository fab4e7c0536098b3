package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.Meta;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Calendar;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * A prepared statement whose {@code cancel()} and query timeout reach the gateway
 * ({@link ServerCancel}). The JDBC 4.1 setters delegate to Avatica's parameter sites, as Avatica's
 * own prepared statement does.
 *
 * <p>Times: {@code setObject} takes {@code LocalDateTime}, {@code LocalDate}, {@code LocalTime},
 * {@code OffsetDateTime}, {@code ZonedDateTime} and {@code Instant} (JDBC 4.2). A timestamp is sent
 * as its wall clock: a {@code LocalDateTime} as it is, a {@link Timestamp} as it shows in the
 * connection's time zone (or the given {@code Calendar}'s), and an instant ({@code OffsetDateTime},
 * {@code ZonedDateTime}, {@code Instant}) as its UTC time, as the gateway reads every instant. Against
 * an asof gateway timestamps travel in microseconds (Avatica's own format has milliseconds).
 */
final class AsofPreparedStatement extends AvaticaPreparedStatement {
  AsofPreparedStatement(AvaticaConnection connection, Meta.StatementHandle h,
      Meta.Signature signature, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    super(connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override public ResultSet executeQuery() throws SQLException {
    try {
      return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::executeQuery);
    } catch (SQLException e) {
      throw GatewayErrors.of(e);
    }
  }

  @Override public boolean execute() throws SQLException {
    try {
      return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::execute);
    } catch (SQLException e) {
      throw GatewayErrors.of(e);
    }
  }

  @Override public long executeLargeUpdate() throws SQLException {
    try {
      return ServerCancel.withTimeout(this, cancelFlag, getQueryTimeout(), super::executeLargeUpdate);
    } catch (SQLException e) {
      throw GatewayErrors.of(e);
    }
  }

  @Override public long[] executeLargeBatch() throws SQLException {
    try {
      return super.executeLargeBatch();
    } catch (SQLException e) {
      throw GatewayErrors.of(e);
    }
  }

  @Override public int[] executeBatch() throws SQLException {
    try {
      return super.executeBatch();
    } catch (SQLException e) {
      throw GatewayErrors.of(e);
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

  @Override public void setObject(int parameterIndex, Object x) throws SQLException {
    if (!setTime(parameterIndex, x, null)) {
      super.setObject(parameterIndex, x);
    }
  }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
    if (!setTime(parameterIndex, x, null)) {
      super.setObject(parameterIndex, x, targetSqlType);
    }
  }

  @Override public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength)
      throws SQLException {
    if (!setTime(parameterIndex, x, null)) {
      super.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
    }
  }

  /** JDBC 4.2's variant; the type's vendor number is its {@code java.sql.Types} constant. */
  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
    setObject(parameterIndex, x, targetSqlType.getVendorTypeNumber());
  }

  @Override public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength)
      throws SQLException {
    setObject(parameterIndex, x, targetSqlType.getVendorTypeNumber(), scaleOrLength);
  }

  @Override public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
    if (!setTime(parameterIndex, x, null)) {
      super.setTimestamp(parameterIndex, x);
    }
  }

  @Override public void setTimestamp(int parameterIndex, Timestamp x, Calendar calendar) throws SQLException {
    if (!setTime(parameterIndex, x, calendar)) {
      super.setTimestamp(parameterIndex, x, calendar);
    }
  }

  /**
   * Binds {@code x} when it is a time this driver sends itself; false when Avatica's site should
   * (anything else, including null).
   */
  private boolean setTime(int parameterIndex, Object x, Calendar calendar) throws SQLException {
    LocalDateTime wallClock;
    if (x instanceof LocalDateTime) {
      wallClock = (LocalDateTime) x;
    } else if (x instanceof Timestamp) {
      wallClock = TimeValues.fromTimestamp((Timestamp) x, TimeValues.zone(calendar, getCalendar()));
    } else if (x instanceof OffsetDateTime) {
      wallClock = TimeValues.utcWallClock(((OffsetDateTime) x).toInstant());
    } else if (x instanceof ZonedDateTime) {
      wallClock = TimeValues.utcWallClock(((ZonedDateTime) x).toInstant());
    } else if (x instanceof Instant) {
      wallClock = TimeValues.utcWallClock((Instant) x);
    } else if (x instanceof LocalDate) {
      bind(parameterIndex, TypedValue.ofSerial(ColumnMetaData.Rep.JAVA_SQL_DATE,
          Math.toIntExact(((LocalDate) x).toEpochDay())));
      return true;
    } else if (x instanceof LocalTime) {
      bind(parameterIndex, TypedValue.ofSerial(ColumnMetaData.Rep.JAVA_SQL_TIME,
          (int) (((LocalTime) x).toNanoOfDay() / 1_000_000L)));
      return true;
    } else {
      return false;
    }
    long micros = TimeValues.toEpochMicros(wallClock);
    // The gateway reads an asof driver's timestamps as microseconds (AsofProtobufService); any
    // other Avatica server gets Avatica's milliseconds.
    bind(parameterIndex, TypedValue.ofSerial(ColumnMetaData.Rep.JAVA_SQL_TIMESTAMP,
        exactTimes() ? micros : Math.floorDiv(micros, 1_000L)));
    return true;
  }

  private boolean exactTimes() {
    return connection.getService() instanceof AsofProtobufService
        && ((AsofProtobufService) connection.getService()).exactTimes();
  }

  private void bind(int parameterIndex, TypedValue value) throws SQLException {
    getSite(parameterIndex); // checks the index
    slots[parameterIndex - 1] = value;
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
