package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.remote.Service;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * JDBC driver for the asof gateway.
 *
 * <p>URL: {@code jdbc:asof://host[:port][/][?key=value[&key=value...]]} (the Avatica-style
 * {@code ;key=value} separator is accepted too; see {@link AsofUrl}). The port defaults to 8765.
 * The driver talks to {@code http://host:port} (or {@code https://} with {@code ssl=true}) with
 * Avatica's protobuf serialization. URL properties override those passed to
 * {@link #connect(String, Properties)}.
 *
 * <p>{@code user} and {@code password} (from the URL, from {@code Properties}, or
 * {@code DriverManager.getConnection(url, user, password)}) are sent as an
 * {@code Authorization: Basic} header on every request, and never in a request body; a gateway
 * that refuses them fails the connection with SQLSTATE 28000 (no credentials) or 28P01 (unknown
 * user or wrong password). Use {@code tls=true} against a gateway that serves TLS (always, when
 * credentials cross a network): the server certificate is checked against the JVM's trust store,
 * against Avatica's {@code truststore} (+ {@code truststore_password}) when given, or against the
 * certificates of a PEM file given as {@code tls_ca} (e.g. a gateway's self-signed certificate).
 *
 * <p>Other non-transport properties are sent to the gateway when the connection opens. Avatica's
 * client properties ({@code authentication}, {@code avatica_user}, {@code avatica_password},
 * {@code truststore}, {@code truststore_password}, {@code http_connection_timeout}, ...) apply
 * as documented by Avatica; {@code url} is always derived from host and port.
 *
 * <p>It is Avatica's remote driver underneath. In the distributed jar Avatica and its
 * dependencies are relocated under {@code dev.asof.jdbc.shaded}, so the driver coexists with any
 * other Avatica, protobuf, Jackson, HttpClient or SLF4J on the application's class path.
 *
 * <p>The class is final: it is not an extension point.
 */
public final class AsofDriver extends org.apache.calcite.avatica.remote.Driver {

  /** Every URL this driver accepts starts with this. */
  public static final String URL_PREFIX = AsofUrl.PREFIX;
  /** Port used when the URL names none. */
  public static final int DEFAULT_PORT = AsofUrl.DEFAULT_PORT;

  private static final String VERSION_RESOURCE = "asof-jdbc.properties";

  static {
    // Registered first: DriverManager.getDrivers() (which deregistering calls) marks the drivers as
    // loaded while this class is still being initialized, and from then on other threads' first
    // getConnection no longer waits for it; registered second, some of them found no driver.
    new AsofDriver().register();
    deregisterBundledAvaticaDriver();
  }

  public AsofDriver() {
    super();
  }

  /**
   * Avatica's factory with asof's statements, whose {@code cancel()} and query timeout reach the
   * gateway (see {@link ServerCancel}).
   */
  @Override protected org.apache.calcite.avatica.AvaticaFactory createFactory() {
    return new AsofJdbcFactory(instantiateFactory(getFactoryClassName(JdbcVersion.current())));
  }

  @Override protected String getConnectStringPrefix() {
    return URL_PREFIX;
  }

  @Override public boolean acceptsURL(String url) {
    return AsofUrl.accepts(url);
  }

  /**
   * Opens a connection to the gateway named by {@code url}; returns {@code null} when the URL is
   * not a {@code jdbc:asof:} URL, as {@link java.sql.Driver} requires.
   */
  @Override public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    AsofUrl parsed = AsofUrl.parse(url);
    Properties props = parsed.toAvaticaProperties(info);
    // Avatica's own connect() would parse the URL suffix with its k=v;k=v parser, so the
    // connection is built here, keeping the user's jdbc:asof: URL as Connection/DatabaseMetaData URL.
    AvaticaConnection connection = factory.newConnection(this, factory, url, props);
    handler.onConnectionInit(connection);
    try {
      // Asked before the connection opens: only an asof gateway may be sent asof's properties (a
      // generic Avatica server hands them to its JDBC driver, which may refuse unknown ones).
      boolean gateway = connection.getService() instanceof AsofProtobufService
          && ((AsofProtobufService) connection.getService()).negotiate(connection.id);
      // Same request Avatica's remote driver sends; local (transport) properties are filtered out.
      connection.getService().apply(new Service.OpenConnectionRequest(connection.id,
          forwarded(props, gateway,
              gateway && ((AsofProtobufService) connection.getService()).compactFrames())));
    } catch (RuntimeException e) {
      if (!(e instanceof AvaticaClientRuntimeException)) {
        // The gateway did not answer. When it did (e.g. refused credentials) it opened nothing,
        // and a close request would only be one more refused login.
        closeQuietly(connection);
      }
      String message = "Cannot open a connection to the asof gateway at " + parsed.serverUrl(props)
          + ": " + e.getMessage();
      if (e instanceof AvaticaClientRuntimeException) {
        // The gateway's answer (e.g. 28000/28P01 for refused credentials) keeps its SQLSTATE.
        AvaticaClientRuntimeException refused = (AvaticaClientRuntimeException) e;
        throw new SQLException(message, refused.getSqlState(), refused.getErrorCode());
      }
      throw new SQLException(message, "08001", e);
    }
    return connection;
  }

  /**
   * The properties the open-connection request carries: Avatica's non-local ones, without the
   * credentials (they travel in the Authorization header only).
   */
  static Map<String, String> forwarded(Properties props) {
    return forwarded(props, false, false);
  }

  /**
   * As {@link #forwarded(Properties)}; to an asof {@code gateway}, asking for exact timestamps,
   * and for compact result {@code frames} when it sends them.
   */
  static Map<String, String> forwarded(Properties props, boolean gateway, boolean frames) {
    Map<String, String> out = new HashMap<>(Service.OpenConnectionRequest.serializeProperties(props));
    out.remove(AsofUrl.USER);
    out.remove(AsofUrl.PASSWORD);
    out.remove(AsofUrl.AVATICA_PASSWORD);
    if (gateway) {
      out.put(AsofProtobufService.TIME_WIRE_PROPERTY, AsofProtobufService.TIME_WIRE_MICROS);
    }
    if (frames) {
      out.put(CompactFrames.PROPERTY, CompactFrames.VERSION);
    }
    return out;
  }

  @Override public DriverPropertyInfo[] getPropertyInfo(String url, Properties info)
      throws SQLException {
    Properties props = info == null ? new Properties() : info;
    if (acceptsURL(url)) {
      props = AsofUrl.parse(url).toAvaticaProperties(info);
    }
    return super.getPropertyInfo(url, props);
  }

  /** Name and version from {@code dev/asof/jdbc/asof-jdbc.properties}, generated by the build. */
  @Override protected DriverVersion createDriverVersion() {
    Properties p = new Properties();
    try (InputStream in = AsofDriver.class.getResourceAsStream(VERSION_RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to the defaults below
    }
    String driverName = p.getProperty("driver.name", "asof JDBC driver");
    String driverVersion = p.getProperty("driver.version", "unknown version");
    String productName = p.getProperty("product.name", "asof");
    String productVersion = p.getProperty("product.version", driverVersion);
    int[] v = majorMinor(driverVersion);
    return new DriverVersion(driverName, driverVersion, productName, productVersion, false,
        v[0], v[1], v[0], v[1]);
  }

  /** {@code "1.2.3-SNAPSHOT"} gives {1, 2}; anything unparsable gives 0. */
  static int[] majorMinor(String version) {
    String[] parts = version.replaceAll("-.*$", "").split("\\.");
    return new int[] {parseOrZero(parts, 0), parseOrZero(parts, 1)};
  }

  private static int parseOrZero(String[] parts, int i) {
    try {
      return i < parts.length ? Integer.parseInt(parts[i]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException | RuntimeException ignored) {
      // the server is not reachable; nothing to release remotely
    }
  }

  /**
   * Avatica's remote driver (our superclass) registers an instance of itself in its static
   * initializer. In the shaded jar that instance is our private, relocated copy answering
   * {@code jdbc:avatica:remote:}; it would shadow (or be shadowed by) a real Avatica driver on
   * the application's class path, so it is deregistered. Unshaded (tests, IDE), Avatica's driver
   * belongs to the application and is left alone.
   */
  private static void deregisterBundledAvaticaDriver() {
    Class<?> avaticaDriver = org.apache.calcite.avatica.remote.Driver.class;
    if (!avaticaDriver.getName().startsWith(AsofDriver.class.getPackageName() + ".shaded.")) {
      return;
    }
    for (java.sql.Driver d : Collections.list(drivers())) {
      if (d.getClass() == avaticaDriver) {
        try {
          DriverManager.deregisterDriver(d);
        } catch (SQLException | SecurityException ignored) {
          // harmless: it only answers jdbc:avatica:remote: URLs
        }
      }
    }
  }

  private static Enumeration<java.sql.Driver> drivers() {
    return DriverManager.getDrivers();
  }
}
