package dev.asof.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Avatica's database metadata, plus primary keys and functions. Avatica's remote protocol has no
 * request for {@code getPrimaryKeys} or {@code getFunctions} (its client answers empty results
 * without asking the server), so they are read from the gateway's {@code sys.primary_keys}, which
 * holds the rows of the gateway's metadata listing (the entity key columns of every entity and
 * feature view), and {@code sys.functions}.
 */
final class AsofDatabaseMetaData extends AvaticaDatabaseMetaData {
  /** SQLSTATE of an unknown table: a gateway too old to have {@code sys.primary_keys}. */
  private static final String UNKNOWN_TABLE = "42S02";

  AsofDatabaseMetaData(AvaticaConnection connection) {
    super(connection);
  }

  /**
   * As JDBC documents: {@code catalog}/{@code schema} null do not narrow, empty means "without
   * one"; {@code table} is matched ignoring case (null: every table). Rows come ordered by table
   * name and key sequence.
   */
  @Override public ResultSet getPrimaryKeys(String catalog, String schema, String table)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT table_cat AS \"TABLE_CAT\", table_schem AS \"TABLE_SCHEM\","
        + " table_name AS \"TABLE_NAME\", column_name AS \"COLUMN_NAME\", key_seq AS \"KEY_SEQ\","
        + " pk_name AS \"PK_NAME\" FROM sys.primary_keys WHERE 1 = 1");
    List<String> values = new ArrayList<>();
    narrow(sql, values, "table_cat", catalog, true);
    narrow(sql, values, "table_schem", schema, true);
    narrow(sql, values, "table_name", table, false);
    sql.append(" ORDER BY LOWER(table_name), table_name, key_seq");
    ResultSet keys = systemQuery(sql.toString(), values);
    return keys != null ? keys : super.getPrimaryKeys(catalog, schema, table);
  }

  /**
   * The functions a query may call, from the gateway's {@code sys.functions}, ordered by name.
   * They have no catalog or schema: {@code catalog}/{@code schemaPattern} other than null or
   * {@code %} select none; {@code functionNamePattern} is a LIKE pattern, ignoring case.
   */
  @Override public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT function_cat AS \"FUNCTION_CAT\","
        + " function_schem AS \"FUNCTION_SCHEM\", function_name AS \"FUNCTION_NAME\", remarks AS \"REMARKS\","
        + " function_type AS \"FUNCTION_TYPE\", specific_name AS \"SPECIFIC_NAME\" FROM sys.functions WHERE 1 = 1");
    List<String> values = new ArrayList<>();
    if (catalog != null || (schemaPattern != null && !schemaPattern.equals("%"))) {
      sql.append(" AND 1 = 0");
    }
    if (functionNamePattern != null) {
      sql.append(" AND LOWER(function_name) LIKE LOWER(CAST(? AS VARCHAR))");
      values.add(functionNamePattern);
    }
    sql.append(" ORDER BY function_name");
    ResultSet functions = systemQuery(sql.toString(), values);
    return functions != null ? functions : super.getFunctions(catalog, schemaPattern, functionNamePattern);
  }

  /** A query on a system table, or null when the gateway is too old to have that table. */
  private ResultSet systemQuery(String sql, List<String> values) throws SQLException {
    PreparedStatement ps = getConnection().prepareStatement(sql);
    try {
      for (int i = 0; i < values.size(); i++) {
        ps.setString(i + 1, values.get(i));
      }
      ps.closeOnCompletion(); // closing the result set releases the statement
      return ps.executeQuery();
    } catch (SQLException e) {
      ps.close();
      if (UNKNOWN_TABLE.equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  private static void narrow(StringBuilder sql, List<String> values, String column, String value,
      boolean emptyMeansNone) {
    if (value == null) {
      return;
    }
    if (value.isEmpty() && emptyMeansNone) {
      sql.append(" AND ").append(column).append(" IS NULL");
      return;
    }
    sql.append(" AND LOWER(").append(column).append(") = LOWER(CAST(? AS VARCHAR))");
    values.add(value);
  }
}
