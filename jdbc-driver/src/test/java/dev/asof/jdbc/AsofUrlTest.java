package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsofUrlTest {

  @Test
  void hostAndPort() throws SQLException {
    AsofUrl url = AsofUrl.parse("jdbc:asof://gateway.example.com:9000");
    assertThat(url.host()).isEqualTo("gateway.example.com");
    assertThat(url.port()).isEqualTo(9000);
    assertThat(url.properties()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdbc:asof://db", "jdbc:asof://db/", "jdbc:asof://db?", "jdbc:asof://db/?"})
  void portDefaultsTo8765(String text) throws SQLException {
    AsofUrl url = AsofUrl.parse(text);
    assertThat(url.host()).isEqualTo("db");
    assertThat(url.port()).isEqualTo(8765).isEqualTo(AsofDriver.DEFAULT_PORT);
    assertThat(url.properties()).isEmpty();
  }

  @Test
  void queryStyleProperties() throws SQLException {
    AsofUrl url = AsofUrl.parse("jdbc:asof://127.0.0.1:8765/?user=alice&password=p%26ss+w%3Drd");
    assertThat(url.host()).isEqualTo("127.0.0.1");
    assertThat(url.properties())
        .containsExactly(Map.entry("user", "alice"), Map.entry("password", "p&ss+w=rd"));
  }

  @Test
  void semicolonStylePropertiesAndMixedSeparators() throws SQLException {
    assertThat(AsofUrl.parse("jdbc:asof://h:1;user=bob;timezone=UTC").properties())
        .containsExactly(Map.entry("user", "bob"), Map.entry("timezone", "UTC"));
    assertThat(AsofUrl.parse("jdbc:asof://h/;a=1&b=2;").properties())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(AsofUrl.parse("jdbc:asof://h?a=&b=x%C3%A9").properties())
        .containsExactly(Map.entry("a", ""), Map.entry("b", "xé"));
  }

  @Test
  void ipv6() throws SQLException {
    AsofUrl url = AsofUrl.parse("jdbc:asof://[::1]:9999?x=y");
    assertThat(url.host()).isEqualTo("[::1]");
    assertThat(url.port()).isEqualTo(9999);
    assertThat(AsofUrl.parse("jdbc:asof://[fe80::1]").port()).isEqualTo(8765);
  }

  @Test
  void avaticaPropertiesUseProtobufOverHttpAndUrlWinsOverInfo() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "from-info");
    info.setProperty("password", "secret");
    info.setProperty("url", "http://elsewhere:1");
    Properties p = AsofUrl.parse("jdbc:asof://gw:1234?user=from-url").toAvaticaProperties(info);
    assertThat(p.getProperty("url")).isEqualTo("http://gw:1234");
    assertThat(p.getProperty("serialization")).isEqualTo("PROTOBUF");
    assertThat(p.getProperty("factory")).isEqualTo(AsofServiceFactory.class.getName());
    assertThat(p.getProperty("httpclient_impl")).isEqualTo(AsofHttpClient.class.getName());
    assertThat(p.getProperty("user")).isEqualTo("from-url");
    assertThat(p.getProperty("password")).isEqualTo("secret");
    assertThat(info.getProperty("url")).as("caller's Properties untouched")
        .isEqualTo("http://elsewhere:1");
  }

  @Test
  void sslAndSerializationOverride() throws SQLException {
    Properties p = AsofUrl.parse("jdbc:asof://gw?ssl=true&serialization=json")
        .toAvaticaProperties(null);
    assertThat(p.getProperty("url")).isEqualTo("https://gw:8765");
    assertThat(p.getProperty("serialization")).isEqualTo("json");
  }

  @Test
  void applicationMayChooseAvaticasHttpClient() throws SQLException {
    String other = "org.apache.calcite.avatica.remote.AvaticaHttpClientImpl";
    Properties p = AsofUrl.parse("jdbc:asof://gw?httpclient_impl=" + other).toAvaticaProperties(null);
    assertThat(p.getProperty("httpclient_impl")).isEqualTo(other);
  }

  @Test
  void toStringDoesNotLeakValues() throws SQLException {
    assertThat(AsofUrl.parse("jdbc:asof://h?password=hunter2").toString())
        .contains("password").doesNotContain("hunter2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "jdbc:asof:",
      "jdbc:asof:host:8765",
      "jdbc:asof://",
      "jdbc:asof://:8765",
      "jdbc:asof://h:",
      "jdbc:asof://h:0",
      "jdbc:asof://h:65536",
      "jdbc:asof://h:12x",
      "jdbc:asof://h/db",
      "jdbc:asof://h?novalue",
      "jdbc:asof://h?=v",
      "jdbc:asof://h?a=%2",
      "jdbc:asof://h?a=%zz",
      "jdbc:asof://[::1",
      "jdbc:asof://[::1]x",
      "jdbc:avatica:remote:url=http://h:1",
  })
  void malformedUrlsAreRejectedWithConnectionSqlState(String text) {
    assertThatThrownBy(() -> AsofUrl.parse(text))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Invalid asof JDBC URL")
        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
  }
}
