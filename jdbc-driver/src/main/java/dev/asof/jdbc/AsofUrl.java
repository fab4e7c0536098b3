package dev.asof.jdbc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A parsed {@code jdbc:asof:} URL.
 *
 * <p>Syntax: {@code jdbc:asof://host[:port][/][?key=value[&key=value...]]}. The Avatica-style
 * form {@code jdbc:asof://host[:port][/][;key=value[;key=value...]]} is accepted as well, and
 * either separator may be used between pairs. {@code host} is a host name, an IPv4 address, or an
 * IPv6 address in brackets ({@code [::1]}). The port defaults to {@value #DEFAULT_PORT}. Keys and
 * values may be percent-encoded ({@code %26} for {@code &}, {@code %3B} for {@code ;},
 * {@code %3D} for {@code =}); {@code +} is kept as it is.
 */
final class AsofUrl {

  static final String PREFIX = "jdbc:asof:";
  static final int DEFAULT_PORT = 8765;

  /** Driver-level property: {@code true} connects with {@code https} instead of {@code http}. */
  static final String SSL = "ssl";
  /** Same as {@link #SSL}: {@code tls=true} connects with {@code https}. */
  static final String TLS = "tls";
  /**
   * Driver-level property: a PEM file of CA (or self-signed server) certificates to trust for
   * {@code tls=true}, instead of the JVM's trust store.
   */
  static final String TLS_CA = "tls_ca";
  /** JDBC's user property: sent as HTTP Basic credentials on every request. */
  static final String USER = "user";
  /** JDBC's password property: sent as HTTP Basic credentials on every request, never in a body. */
  static final String PASSWORD = "password";
  /** Avatica's authentication-type property. */
  static final String AVATICA_AUTHENTICATION = "authentication";
  /** Avatica's BASIC/DIGEST user property. */
  static final String AVATICA_USER = "avatica_user";
  /** Avatica's BASIC/DIGEST password property. */
  static final String AVATICA_PASSWORD = "avatica_password";
  /** Avatica's property holding the server URL; always derived from host and port. */
  static final String AVATICA_URL = "url";
  /** Avatica's wire-format property; the gateway serves protobuf. */
  static final String AVATICA_SERIALIZATION = "serialization";
  static final String DEFAULT_SERIALIZATION = "PROTOBUF";
  /** Avatica's service-factory property; always {@link AsofServiceFactory}. */
  static final String AVATICA_FACTORY = "factory";
  /** Avatica's HTTP-client property; {@link AsofHttpClient} unless the application names another. */
  static final String AVATICA_HTTP_CLIENT = "httpclient_impl";

  private final String host;
  private final int port;
  private final Map<String, String> properties;

  private AsofUrl(String host, int port, Map<String, String> properties) {
    this.host = host;
    this.port = port;
    this.properties = Collections.unmodifiableMap(properties);
  }

  static boolean accepts(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  /** Parses {@code url}; throws {@link SQLException} (SQLState 08001) when it is malformed. */
  static AsofUrl parse(String url) throws SQLException {
    if (!accepts(url)) {
      throw invalid(url, "it must start with " + PREFIX + "//");
    }
    String rest = url.substring(PREFIX.length());
    if (!rest.startsWith("//")) {
      throw invalid(url, "expected // after " + PREFIX);
    }
    rest = rest.substring(2);

    int end = indexOfAny(rest, "/?;");
    String authority = end < 0 ? rest : rest.substring(0, end);
    String tail = end < 0 ? "" : rest.substring(end);

    String host;
    String portText = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw invalid(url, "unterminated IPv6 address");
      }
      host = authority.substring(0, close + 1);
      String after = authority.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid(url, "unexpected text after IPv6 address: " + after);
        }
        portText = after.substring(1);
      }
    } else {
      int colon = authority.indexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      portText = colon < 0 ? null : authority.substring(colon + 1);
    }
    if (host.isEmpty() || host.equals("[]")) {
      throw invalid(url, "missing host");
    }
    int port = DEFAULT_PORT;
    if (portText != null) {
      port = parsePort(url, portText);
    }

    if (tail.startsWith("/")) {
      tail = tail.substring(1);
      if (!tail.isEmpty() && tail.charAt(0) != '?' && tail.charAt(0) != ';') {
        throw invalid(url, "a path is not supported; pass settings as ?key=value");
      }
    }
    Map<String, String> props = new LinkedHashMap<>();
    if (!tail.isEmpty()) {
      // tail starts with '?' or ';'
      for (String pair : tail.substring(1).split("[&;]")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw invalid(url, "expected key=value, got '" + pair + "'");
        }
        props.put(decode(url, pair.substring(0, eq)), decode(url, pair.substring(eq + 1)));
      }
    }
    return new AsofUrl(host, port, props);
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** Properties given in the URL, in order. */
  Map<String, String> properties() {
    return properties;
  }

  /** {@code http://host:port}, or {@code https://} when the {@code tls} (or {@code ssl}) property is true. */
  String serverUrl(Properties effective) {
    boolean ssl = Boolean.parseBoolean(effective.getProperty(SSL, "false").trim())
        || Boolean.parseBoolean(effective.getProperty(TLS, "false").trim());
    return (ssl ? "https" : "http") + "://" + host + ":" + port;
  }

  /**
   * The properties handed to Avatica: {@code info}, overridden by the URL's properties, plus
   * Avatica's {@code url} (always derived from host and port) and {@code serialization}
   * ({@value #DEFAULT_SERIALIZATION} unless given), {@code factory} (always
   * {@link AsofServiceFactory}, which keeps the protobuf wire names standard when Avatica is
   * relocated) and {@code httpclient_impl} ({@link AsofHttpClient} unless given). JDBC's
   * {@code user} and {@code password} become Avatica's BASIC credentials ({@code authentication},
   * {@code avatica_user}, {@code avatica_password}) unless those are given: a user without a
   * password logs in with an empty one (and is refused).
   */
  Properties toAvaticaProperties(Properties info) {
    Properties result = new Properties();
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        result.setProperty(name, info.getProperty(name));
      }
    }
    properties.forEach(result::setProperty);
    result.setProperty(AVATICA_URL, serverUrl(result));
    result.setProperty(AVATICA_FACTORY, AsofServiceFactory.class.getName());
    if (result.getProperty(AVATICA_SERIALIZATION) == null) {
      result.setProperty(AVATICA_SERIALIZATION, DEFAULT_SERIALIZATION);
    }
    if (result.getProperty(AVATICA_HTTP_CLIENT) == null) {
      result.setProperty(AVATICA_HTTP_CLIENT, AsofHttpClient.class.getName());
    }
    String user = result.getProperty(USER);
    if (user != null && !user.isEmpty() && result.getProperty(AVATICA_AUTHENTICATION) == null
        && result.getProperty(AVATICA_USER) == null) {
      result.setProperty(AVATICA_AUTHENTICATION, "BASIC");
      result.setProperty(AVATICA_USER, user);
      result.setProperty(AVATICA_PASSWORD, result.getProperty(PASSWORD, ""));
    }
    return result;
  }

  private static int parsePort(String url, String text) throws SQLException {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      throw invalid(url, "bad port '" + text + "'");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw invalid(url, "port out of range: " + port);
    }
    return port;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Percent-decoding as UTF-8; unlike URLDecoder, '+' stays '+'. */
  private static String decode(String url, String s) throws SQLException {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw invalid(url, "incomplete percent escape in '" + s + "'");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid(url, "bad percent escape in '" + s + "'");
        }
        out.write(hi * 16 + lo);
        i += 3;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          bytes = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.write(bytes, 0, bytes.length);
        i++;
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  private static SQLException invalid(String url, String why) {
    return new SQLException("Invalid asof JDBC URL '" + url + "': " + why
        + " (expected jdbc:asof://host[:port][?key=value&...])", "08001");
  }

  @Override public boolean equals(Object o) {
    if (!(o instanceof AsofUrl)) {
      return false;
    }
    AsofUrl that = (AsofUrl) o;
    return port == that.port && host.equals(that.host) && properties.equals(that.properties);
  }

  @Override public int hashCode() {
    return Objects.hash(host, port, properties);
  }

  @Override public String toString() {
    return String.format(Locale.ROOT, "AsofUrl{host=%s, port=%d, properties=%s}",
        host, port, properties.keySet());
  }
}
