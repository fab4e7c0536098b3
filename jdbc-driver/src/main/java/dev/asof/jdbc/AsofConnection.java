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

  /** As Avatica's: the {@code timeZone} property's zone, else the JVM default at the time of the call. */
  @Override public TimeZone getTimeZone() {
    return timeZoneId == null ? TimeZone.getDefault() : TimeZone.getTimeZone(timeZoneId);
  }
}
