package dev.asof.connector.trino;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real Trino 476 server for the tests, one per test JVM, started on first use and stopped when
 * the JVM exits.
 *
 * <p>The build of {@code connectors/trino} unpacks {@code io.trino:trino-server-core:476:tar.gz}
 * and the {@code trino-memory} and {@code trino-tpch} plugin zips from Maven Central under its
 * {@code target/trino} (see that module's pom) and records where in
 * {@code testing-trino.properties}, which this class's test-jar carries, so that other modules'
 * tests (conformance-tests) find the same server. The system properties
 * {@code asof.trino.server.dir} and {@code asof.trino.plugin.dir} override those places. The server runs with a JDK &gt;= 24: the one named
 * by {@code TRINO_JAVA_HOME} (environment or system property), else the newest one under
 * {@code /usr/lib/jvm}. It listens on a free loopback port, has catalogs {@code memory} and
 * {@code tpch}, and writes its files under {@code target/trino/instance-*}.
 */
public final class TestingTrinoServer {
    private static final int MIN_JAVA = 24;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static TestingTrinoServer shared;

    private final Process process;
    private final int port;
    private final Path instanceDir;
    private final Duration startupTime;

    private TestingTrinoServer(Process process, int port, Path instanceDir, Duration startupTime) {
        this.process = process;
        this.port = port;
        this.instanceDir = instanceDir;
        this.startupTime = startupTime;
    }

    /** The server of this JVM, started on the first call. */
    public static synchronized TestingTrinoServer shared() {
        if (shared == null) {
            shared = start();
            TestingTrinoServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "stop-trino"));
        }
        return shared;
    }

    /**
     * A server of its own (not {@link #shared()}), for tests that stop and restart it; the caller
     * stops it.
     */
    public static TestingTrinoServer startDedicated() {
        return start(freePort());
    }

    /**
     * Stops this server and starts a new one on the same port (new instance directory, empty
     * {@code memory} catalog); returns it. For tests of what clients do while Trino is away.
     */
    public TestingTrinoServer restart() {
        stop();
        return start(port);
    }

    /** {@code jdbc:trino://127.0.0.1:port}. */
    public String jdbcUrl() {
        return "jdbc:trino://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Time from process start until {@code /v1/info} reported {@code starting: false}. */
    public Duration startupTime() {
        return startupTime;
    }

    private static TestingTrinoServer start() {
        return start(freePort());
    }

    private static TestingTrinoServer start(int port) {
        Path serverDir = requiredDir("asof.trino.server.dir", "lib");
        Path pluginDir = requiredDir("asof.trino.plugin.dir", null);
        Path java = findJava();
        Path instance;
        try {
            instance = Files.createTempDirectory(serverDir.getParent(), "instance-");
            Path etc = Files.createDirectories(instance.resolve("etc"));
            Path catalogs = Files.createDirectories(etc.resolve("catalog"));
            Path log = Files.createDirectories(instance.resolve("var").resolve("log"));
            String heap = System.getProperty("asof.trino.heap", "2G");
            List<String> config = List.of(
                    "coordinator=true",
                    "node-scheduler.include-coordinator=true",
                    "http-server.http.port=" + port,
                    "discovery.uri=http://127.0.0.1:" + port,
                    "node.environment=asof_test",
                    "node.id=asof-test-" + port,
                    "node.internal-address=127.0.0.1",
                    "node.bind-ip=127.0.0.1",
                    "plugin.dir=" + pluginDir,
                    "catalog.config-dir=" + catalogs,
                    "log.path=" + log.resolve("server.log"),
                    // one small node: modest memory, few threads
                    "query.max-memory=1GB",
                    "query.max-memory-per-node=1GB",
                    "memory.heap-headroom-per-node=256MB",
                    "task.concurrency=2",
                    "task.max-worker-threads=4");
            Files.write(etc.resolve("config.properties"), config);
            Files.writeString(catalogs.resolve("memory.properties"), "connector.name=memory\nmemory.max-data-per-node=512MB\n");
            Files.writeString(catalogs.resolve("tpch.properties"), "connector.name=tpch\n");
            // jdk.incubator.vector: Trino 481 and later refuse to start without the Vector API
            List<String> jvm = List.of("-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                    "--add-modules=jdk.incubator.vector",
                    "-XX:+UseContainerSupport", "-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading",
                    "--enable-native-access=ALL-UNNAMED", "-Dfile.encoding=UTF-8");
            Files.write(etc.resolve("jvm.config"), jvm); // for reference: the flags the server runs with
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(jvm);
            command.add("-Dconfig=" + etc.resolve("config.properties"));
            command.add("-cp");
            command.add(serverDir.resolve("lib") + "/*");
            command.add("io.trino.server.TrinoServer");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .directory(instance.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(instance.resolve("launcher.log").toFile())
                    .start();
            TestingTrinoServer server = new TestingTrinoServer(p, port, instance, Duration.ZERO);
            try {
                server.awaitStarted();
            } catch (RuntimeException e) {
                server.stop();
                throw e;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.err.printf(Locale.ROOT, "[asof tests] Trino started from %s on port %d in %.1f s (%s)%n",
                    serverDir, port, took.toMillis() / 1000.0, java);
            return new TestingTrinoServer(p, port, instance, took);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Trino", e);
        }
    }

    private void awaitStarted() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Trino exited with code " + process.exitValue()
                        + " while starting; last lines of " + instanceDir.resolve("launcher.log") + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"starting\":false")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Trino", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("Trino did not start within " + START_TIMEOUT.toSeconds() + " s; last lines of "
                + instanceDir.resolve("launcher.log") + ":\n" + tail());
    }

    private String tail() {
        Path[] logs = {instanceDir.resolve("var/log/server.log"), instanceDir.resolve("launcher.log")};
        StringBuilder out = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log);
                out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()))).append('\n');
            } catch (IOException | UncheckedIOException e) {
                // no such log
            }
        }
        return out.toString();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its instance directory. */
    public void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(instanceDir);
    }

    // ------------------------------------------------------------------ set-up helpers

    private static Path requiredDir(String property, String child) {
        String value = System.getProperty(property, buildLocations().getProperty(property));
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set: build connectors/trino with Maven (mvn -B install), "
                    + "which unpacks Trino 476 under connectors/trino/target/trino");
        }
        Path dir = Path.of(value);
        if (!Files.isDirectory(child == null ? dir : dir.resolve(child))) {
            throw new IllegalStateException(dir + " does not hold an unpacked Trino server/plugins (" + property
                    + "); build connectors/trino with Maven (mvn -B install), which unpacks io.trino:trino-server-core:476");
        }
        return dir;
    }

    /** Where the build of connectors/trino unpacked Trino (a filtered resource of the test-jar). */
    private static Properties buildLocations() {
        Properties p = new Properties();
        try (var in = TestingTrinoServer.class.getResourceAsStream("testing-trino.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read testing-trino.properties", e);
        }
        return p;
    }

    /** TRINO_JAVA_HOME (env or system property), else the newest JDK >= 24 under /usr/lib/jvm. */
    static Path findJava() {
        String home = Optional.ofNullable(System.getProperty("TRINO_JAVA_HOME")).orElse(System.getenv("TRINO_JAVA_HOME"));
        if (home != null && !home.isBlank()) {
            Path java = Path.of(home, "bin", "java");
            int v = javaVersion(Path.of(home));
            if (!Files.isExecutable(java) || v < MIN_JAVA) {
                throw new IllegalStateException("TRINO_JAVA_HOME=" + home + " is not a JDK >= " + MIN_JAVA
                        + " (found " + (v < 0 ? "no JDK" : "Java " + v) + "); Trino 476 needs Java " + MIN_JAVA + " or later");
            }
            return java;
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                Optional<Path> best = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                        .filter(d -> javaVersion(d) >= MIN_JAVA)
                        .max(Comparator.comparingInt(TestingTrinoServer::javaVersion));
                if (best.isPresent()) {
                    return best.get().resolve("bin/java");
                }
            } catch (IOException e) {
                // reported below
            }
        }
        throw new IllegalStateException("no JDK >= " + MIN_JAVA + " found for the test Trino server: Trino 476 needs Java "
                + MIN_JAVA + "+. Install one under /usr/lib/jvm (e.g. Temurin 25) or set TRINO_JAVA_HOME to its home");
    }

    /** Feature version from the JDK's {@code release} file; -1 when unknown. */
    private static int javaVersion(Path home) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(home.resolve("release"))) {
            p.load(in);
        } catch (IOException e) {
            return -1;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        try {
            return Integer.parseInt(v.split("[.+-]")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
    }
}
