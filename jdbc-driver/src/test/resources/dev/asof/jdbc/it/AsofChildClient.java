import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Run by ShadedJarIT in a child JVM whose class path is only the shaded driver jar and the
 * directory holding this class. Prints key=value lines the test checks.
 */
public final class AsofChildClient {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    System.out.println("classpath=" + System.getProperty("java.class.path"));
    try (Connection c = DriverManager.getConnection(url)) {
      List<String> drivers = new ArrayList<>();
      for (Driver d : Collections.list(DriverManager.getDrivers())) {
        drivers.add(d.getClass().getName());
      }
      System.out.println("drivers=" + String.join(",", drivers));
      System.out.println("driverClass=" + DriverManager.getDriver(url).getClass().getName());
      DatabaseMetaData md = c.getMetaData();
      System.out.println("driverName=" + md.getDriverName());
      System.out.println("driverVersion=" + md.getDriverVersion());
      System.out.println("url=" + md.getURL());
      // The casts are for the test server: DuckDB cannot type "? + 1" at prepare time and
      // reports one UNKNOWN column, and Avatica's client reads results with the prepare-time
      // signature (stock Avatica behaves the same). The gateway types parameters itself.
      try (PreparedStatement ps =
          c.prepareStatement("SELECT CAST(? AS INTEGER) + 1, 'x' || CAST(? AS VARCHAR)")) {
        int[] ints = {41, 1};
        String[] strings = {"yz", "a"};
        for (int i = 0; i < ints.length; i++) {
          ps.setInt(1, ints[i]);
          ps.setString(2, strings[i]);
          try (ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData rmd = rs.getMetaData();
            System.out.println("columns=" + rmd.getColumnCount() + ":" + rmd.getColumnTypeName(1)
                + "," + rmd.getColumnTypeName(2));
            while (rs.next()) {
              System.out.println("row=" + rs.getLong(1) + "|" + rs.getString(2));
            }
          }
        }
      }
    }
    for (String name : new String[] {"org.apache.calcite.avatica.remote.Driver",
        "org.slf4j.LoggerFactory", "com.google.protobuf.Message",
        "com.fasterxml.jackson.databind.ObjectMapper", "org.apache.hc.core5.http.HttpHost"}) {
      boolean visible;
      try {
        Class.forName(name);
        visible = true;
      } catch (ClassNotFoundException e) {
        visible = false;
      }
      System.out.println("visible " + name + "=" + visible);
    }
    System.out.println("done");
  }
}
