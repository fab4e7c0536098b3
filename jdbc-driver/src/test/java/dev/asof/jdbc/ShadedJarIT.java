package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.Driver;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against the packaged (shaded) jar: an Avatica server over in-memory DuckDB in this JVM,
 * and a client in a child JVM whose class path is the shaded jar plus one compiled class.
 */
class ShadedJarIT {

  private static final String CLIENT = "AsofChildClient";

  private static HttpServer server;
  private static JdbcMeta meta;

  @BeforeAll
  static void startServer() throws Exception {
    meta = new JdbcMeta("jdbc:duckdb:");
    ServerCustomizer<Server> loopbackOnly = s -> {
      for (Connector c : s.getConnectors()) {
        ((ServerConnector) c).setHost("127.0.0.1");
      }
    };
    server = HttpServer.Builder.<Server>newBuilder()
        .withHandler(new LocalService(meta), Driver.Serialization.PROTOBUF)
        .withPort(0)
        .withServerCustomizers(List.of(loopbackOnly), Server.class)
        .build();
    server.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  static Path shadedJar() {
    String path = System.getProperty("asof.jdbc.jar");
    assertThat(path).as("system property asof.jdbc.jar (set by the pom)").isNotBlank();
    Path jar = Paths.get(path);
    assertThat(jar).isRegularFile();
    return jar;
  }

  @Test
  void childJvmWithOnlyTheShadedJarRunsAPreparedStatement(@TempDir Path tmp) throws Exception {
    Path jar = shadedJar();
    Path classes = compileClient(tmp, jar);
    try (var files = Files.list(classes)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the client directory holds only the client class")
          .containsExactly(CLIENT + ".class");
    }

    String url = "jdbc:asof://127.0.0.1:" + server.getPort();
    String classPath = jar.toAbsolutePath() + File.pathSeparator + classes.toAbsolutePath();
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classPath, CLIENT, url)
        .redirectOutput(tmp.resolve("out.txt").toFile())
        .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().remove("CLASSPATH");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    Process p = pb.start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    String out = Files.readString(tmp.resolve("out.txt"));
    String err = Files.readString(tmp.resolve("err.txt"));
    String diagnostics = "stdout:\n" + out + "\nstderr:\n" + err;

    assertThat(finished).as("child finished in time\n" + diagnostics).isTrue();
    assertThat(p.exitValue()).as("child exit code\n" + diagnostics).isZero();
    List<String> lines = out.lines().collect(Collectors.toList());
    assertThat(lines).as(diagnostics)
        .contains("classpath=" + classPath)
        .contains("drivers=dev.asof.jdbc.AsofDriver")
        .contains("driverClass=dev.asof.jdbc.AsofDriver")
        .contains("driverName=asof JDBC driver")
        .contains("driverVersion=" + System.getProperty("asof.project.version"))
        .contains("url=" + url)
        .contains("columns=2:INTEGER,VARCHAR")
        .containsSubsequence("row=42|xyz", "row=2|xa")
        .contains("visible org.apache.calcite.avatica.remote.Driver=false")
        .contains("visible org.slf4j.LoggerFactory=false")
        .contains("visible com.google.protobuf.Message=false")
        .contains("visible com.fasterxml.jackson.databind.ObjectMapper=false")
        .contains("visible org.apache.hc.core5.http.HttpHost=false")
        .endsWith("done");
    assertThat(lines.stream().filter(l -> l.startsWith("row="))).hasSize(2);
    assertThat(err).as("child stderr (no SLF4J or protobuf warnings)").isBlank();
  }

  /**
   * Issue 14: 1,000 threads of a fresh JVM use the driver for the first time at once. Each must
   * reach it (nothing listens on the port, so each gets the driver's "Cannot open a connection");
   * before the fix, a few found "No suitable driver" in about one JVM out of three, so three JVMs run.
   */
  @Test
  void concurrentFirstUseAlwaysFindsTheDriver(@TempDir Path tmp) throws Exception {
    Path jar = shadedJar();
    Path classes = compileClient(tmp, jar, "AsofFirstUseClient");
    String classPath = jar.toAbsolutePath() + File.pathSeparator + classes.toAbsolutePath();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    for (int run = 0; run < 3; run++) {
      Path out = tmp.resolve("first-use-" + run + ".txt");
      ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classPath, "AsofFirstUseClient",
          "jdbc:asof://127.0.0.1:" + port, "1000")
          .redirectErrorStream(true)
          .redirectOutput(out.toFile());
      pb.environment().remove("CLASSPATH");
      pb.environment().remove("JDK_JAVA_OPTIONS");
      Process p = pb.start();
      boolean finished = p.waitFor(120, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
      }
      String text = Files.readString(out);
      assertThat(finished).as("child finished in time\n" + text).isTrue();
      assertThat(text.lines().collect(Collectors.toList())).as(text)
          .contains("reached=1000", "noDriver=0", "otherCount=0", "done");
    }
  }

  @Test
  void shadedJarHoldsOnlyRelocatedClasses() throws IOException {
    List<String> names = new ArrayList<>();
    try (JarFile jar = new JarFile(shadedJar().toFile())) {
      for (JarEntry e : Collections.list(jar.entries())) {
        names.add(e.getName());
      }
      assertThat(read(jar, "META-INF/services/java.sql.Driver").strip())
          .isEqualTo("dev.asof.jdbc.AsofDriver");
      assertThat(read(jar, "dev/asof/jdbc/asof-jdbc.properties"))
          .contains("driver.version=" + System.getProperty("asof.project.version"));
    }
    List<String> classes = names.stream().filter(n -> n.endsWith(".class"))
        .collect(Collectors.toList());
    assertThat(classes).isNotEmpty()
        .allSatisfy(n -> assertThat(n).matches("(META-INF/versions/\\d+/)?dev/asof/.*"))
        .noneMatch(n -> n.endsWith("module-info.class"));
    assertThat(classes).contains(
        "dev/asof/jdbc/AsofDriver.class",
        "dev/asof/jdbc/shaded/org/apache/calcite/avatica/remote/Driver.class",
        "dev/asof/jdbc/shaded/com/google/protobuf/Message.class",
        "dev/asof/jdbc/shaded/org/apache/hc/client5/http/impl/classic/HttpClients.class",
        "dev/asof/jdbc/shaded/org/slf4j/LoggerFactory.class");
    assertThat(names.stream().filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/")))
        .as("service files are relocated with their classes")
        .allMatch(n -> n.equals("META-INF/services/java.sql.Driver")
            || n.startsWith("META-INF/services/dev.asof.jdbc.shaded."));
    assertThat(names).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
  }

  private static String read(JarFile jar, String name) throws IOException {
    JarEntry e = jar.getJarEntry(name);
    assertThat(e).as(name).isNotNull();
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Compiles the client against nothing but the shaded jar (it only needs java.sql). */
  private static Path compileClient(Path tmp, Path jar) throws IOException {
    return compileClient(tmp, jar, CLIENT);
  }

  private static Path compileClient(Path tmp, Path jar, String client) throws IOException {
    Path src = tmp.resolve("src").resolve(client + ".java");
    Files.createDirectories(src.getParent());
    try (InputStream in = ShadedJarIT.class.getResourceAsStream("it/" + client + ".java")) {
      assertThat(in).as("client source resource").isNotNull();
      Files.copy(in, src);
    }
    Path classes = Files.createDirectories(tmp.resolve("client-classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("running on a JDK").isNotNull();
    int rc = javac.run(null, null, null, "--release", "11", "-cp", jar.toString(),
        "-d", classes.toString(), src.toString());
    assertThat(rc).as("javac exit code").isZero();
    return classes;
  }
}
