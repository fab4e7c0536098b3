import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.util.Calendar;
import java.util.TimeZone;

/**
 * Run by DriverOnlyClientIT in a child JVM whose class path is only the shaded asof JDBC driver
 * and the directory holding this class (compiled with --release 11 against java.sql only).
 *
 * <p>Arguments: the JDBC URL, then one or more queries. It prints {@code classpath=...}; for each
 * query it prints
 * {@code query=<n>}, {@code columns=<label>:<type name>,...}, one {@code row=v1|v2|...} line per
 * row, and {@code rows=<count>}; then {@code done}. Values: integers as longs, floating point with
 * Double.toString, DECIMAL as a plain string without trailing zeros, TIMESTAMP as the UTC instant
 * (ISO-8601), BOOLEAN as true/false, text as is, SQL NULL as NULL.
 */
public final class DemoQueryClient {
  public static void main(String[] args) throws Exception {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    System.out.println("classpath=" + System.getProperty("java.class.path"));
    try (Connection c = DriverManager.getConnection(args[0])) {
      for (int q = 1; q < args.length; q++) {
        System.out.println("query=" + q);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(args[q])) {
          ResultSetMetaData md = rs.getMetaData();
          StringBuilder cols = new StringBuilder("columns=");
          for (int i = 1; i <= md.getColumnCount(); i++) {
            cols.append(i == 1 ? "" : ",").append(md.getColumnLabel(i).toLowerCase())
                .append(':').append(md.getColumnTypeName(i));
          }
          System.out.println(cols);
          int rows = 0;
          while (rs.next()) {
            StringBuilder row = new StringBuilder("row=");
            for (int i = 1; i <= md.getColumnCount(); i++) {
              row.append(i == 1 ? "" : "|").append(value(rs, md.getColumnType(i), i, utc));
            }
            System.out.println(row);
            rows++;
          }
          System.out.println("rows=" + rows);
        }
      }
    }
    System.out.println("done");
  }

  private static String value(ResultSet rs, int type, int i, Calendar utc) throws Exception {
    String v;
    switch (type) {
      case Types.TINYINT: case Types.SMALLINT: case Types.INTEGER: case Types.BIGINT:
        v = Long.toString(rs.getLong(i));
        break;
      case Types.REAL: case Types.FLOAT: case Types.DOUBLE:
        v = Double.toString(rs.getDouble(i));
        break;
      case Types.DECIMAL: case Types.NUMERIC:
        java.math.BigDecimal d = rs.getBigDecimal(i);
        v = d == null ? null : d.stripTrailingZeros().toPlainString();
        break;
      case Types.TIMESTAMP:
        java.sql.Timestamp t = rs.getTimestamp(i, utc);
        v = t == null ? null : t.toInstant().toString();
        break;
      case Types.BOOLEAN:
        v = Boolean.toString(rs.getBoolean(i));
        break;
      default:
        v = rs.getString(i);
    }
    return rs.wasNull() || v == null ? "NULL" : v;
  }
}
