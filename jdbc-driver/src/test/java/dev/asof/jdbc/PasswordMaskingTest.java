package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PasswordMaskingTest {
  @Test
  void aLongStatementIsQuotedAsAnExcerptAndAPasswordNever() {
    String sql = "SELECT '" + "x".repeat(100_000) + "'";
    SQLException e = new SQLException("Error while executing SQL \"" + sql + "\": Remote driver error: line 1,"
        + " column 8: too long", "54001", 13);
    SQLException out = PasswordMasking.masked(e, sql);
    assertThat(out.getMessage()).hasSizeLessThan(400)
        .startsWith("Error while executing SQL \"SELECT 'xxx")
        .contains("… (100009 characters)\": Remote driver error: line 1, column 8: too long");
    assertThat(out.getSQLState()).isEqualTo("54001");
    assertThat(out.getErrorCode()).isEqualTo(13);

    String user = "CREATE USER bob PASSWORD 'secret'";
    SQLException refused = PasswordMasking.masked(new SQLException("Error while executing SQL \"" + user
        + "\": Remote driver error: not allowed", "42501"), user);
    assertThat(refused.getMessage()).doesNotContain("secret").contains("PASSWORD '***'");

    SQLException shortOne = new SQLException("Error while executing SQL \"SELECT 1\": boom", "58000");
    assertThat((Object) PasswordMasking.masked(shortOne, "SELECT 1")).isSameAs(shortOne);
  }
}
