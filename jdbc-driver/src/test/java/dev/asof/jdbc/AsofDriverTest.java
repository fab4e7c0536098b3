package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AsofDriverTest {

  private final AsofDriver driver = new AsofDriver();

  @Test
  void acceptsOnlyAsofUrls() {
    assertThat(driver.acceptsURL("jdbc:asof://localhost:8765")).isTrue();
    assertThat(driver.acceptsURL("jdbc:asof://localhost")).isTrue();
    assertThat(driver.acceptsURL("jdbc:asof:")).isTrue();
    assertThat(driver.acceptsURL("jdbc:avatica:remote:url=http://localhost:8765")).isFalse();
    assertThat(driver.acceptsURL("jdbc:duckdb:")).isFalse();
    assertThat(driver.acceptsURL("JDBC:ASOF://h")).isFalse();
    assertThat(driver.acceptsURL("asof://h")).isFalse();
    assertThat(driver.acceptsURL(null)).isFalse();
  }

  @Test
  void connectReturnsNullForForeignUrls() throws SQLException {
    assertThat(driver.connect("jdbc:duckdb:", new Properties())).isNull();
  }

  @Test
  void registeredWithDriverManager() throws SQLException {
    assertThat(DriverManager.getDriver("jdbc:asof://localhost")).isInstanceOf(AsofDriver.class);
    assertThat(Collections.list(DriverManager.getDrivers()))
        .filteredOn(d -> d instanceof AsofDriver).hasSize(1);
  }

  @Test
  void versionComesFromGeneratedResource() {
    String projectVersion = System.getProperty("asof.project.version");
    assertThat(projectVersion).as("set by the pom").isNotBlank();
    assertThat(driver.getDriverVersion().name).isEqualTo("asof JDBC driver");
    assertThat(driver.getDriverVersion().versionString).isEqualTo(projectVersion);
    int[] mm = AsofDriver.majorMinor(projectVersion);
    assertThat(driver.getMajorVersion()).isEqualTo(mm[0]);
    assertThat(driver.getMinorVersion()).isEqualTo(mm[1]);
    assertThat(driver.jdbcCompliant()).isFalse();
  }

  @Test
  void majorMinor() {
    assertThat(AsofDriver.majorMinor("1.2.3-SNAPSHOT")).containsExactly(1, 2);
    assertThat(AsofDriver.majorMinor("7")).containsExactly(7, 0);
    assertThat(AsofDriver.majorMinor("unknown version")).containsExactly(0, 0);
  }

  @Test
  void malformedUrlFailsWithSqlException() {
    assertThatThrownBy(() -> driver.connect("jdbc:asof://h:99999", new Properties()))
        .isInstanceOf(SQLException.class).hasMessageContaining("port out of range");
  }

  @Test
  void unreachableGatewayFailsWithConnectionSqlState() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Properties info = new Properties();
    info.setProperty("http_connection_timeout", "2000");
    assertThatThrownBy(() -> driver.connect("jdbc:asof://127.0.0.1:" + port, info))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("http://127.0.0.1:" + port)
        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
  }

  @Test
  void propertyInfoIncludesUrlProperties() throws SQLException {
    assertThat(Arrays.stream(driver.getPropertyInfo("jdbc:asof://h:1?user=u", new Properties())))
        .anySatisfy(p -> {
          assertThat(p.name).isEqualTo("user");
          assertThat(p.value).isEqualTo("u");
        })
        .anySatisfy(p -> {
          assertThat(p.name).isEqualTo("url");
          assertThat(p.value).isEqualTo("http://h:1");
        });
  }

  @Test
  void isAJavaSqlDriver() {
    assertThat(driver).isInstanceOf(Driver.class);
  }
}
