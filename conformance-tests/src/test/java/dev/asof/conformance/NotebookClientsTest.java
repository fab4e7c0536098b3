package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.endpoint.ProtocolEndpoint;
import dev.asof.jdbc.AsofDriver;
import dev.asof.launcher.demo.DemoScenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the two notebook paths of README, run as their users run them against a gateway with
 * the demo scenario: Python with JPype and pandas over the asof JDBC driver (Debian's
 * {@code python3-jpype} and {@code python3-pandas}), and pyarrow over Flight SQL (pyarrow and pandas
 * from the Python package index, in a virtual environment under {@code target/}). Each script
 * uploads a label table, PIT-joins it with two feature views, reads a DataFrame and checks its
 * dtypes (datetime64 keeping microseconds, int64, float64) and values; it exits non-zero otherwise.
 *
 * <p>What the scripts need is installed here when missing: the Debian packages with apt-get when
 * running as root (as the build does on a fresh machine); otherwise the test fails saying what to
 * install. It never skips.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class NotebookClientsTest {
    private static final Path SCRIPTS = Path.of("src", "test", "python");
    private static final Path VENV = Path.of("target", "notebook-venv");
    private static final List<String> DEBIAN_PACKAGES = List.of("python3", "python3-venv", "python3-jpype",
            "python3-pandas");
    /** Debian's interpreter: the one its python3-* packages are installed for. */
    private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path dataDir;

    private static AsofGateway gateway;

    @BeforeAll
    static void start() {
        gateway = AsofGateway.start(TestCredentials.withAdmin(GatewayConfig.embedded(dataDir)));
        assertThat(DemoScenario.install(gateway.executor())).as("demo installed").isTrue();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void jpypeAndPandasOverTheJdbcDriver() throws Exception {
        HostCommands.ensureDebianPackages(DEBIAN_PACKAGES, "the notebook tests");
        Path jar = Path.of(AsofDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.toString()).as("the driver jar the build made").endsWith(".jar");
        String out = run(List.of(SYSTEM_PYTHON.toString(), SCRIPTS.resolve("notebook_jdbc.py").toString()), Map.of(
                "ASOF_JDBC_JAR", jar.toString(),
                "ASOF_JDBC_URL", gateway.jdbcUrl(),
                "ASOF_USER", TestCredentials.USER,
                "ASOF_PASSWORD", TestCredentials.PASSWORD,
                "JAVA_HOME", System.getProperty("java.home")));
        assertThat(out).contains("notebook ok: 4 rows");
    }

    @Test
    void pyarrowOverFlightSql() throws Exception {
        HostCommands.ensureDebianPackages(DEBIAN_PACKAGES, "the notebook tests");
        Path python = virtualEnvironment();
        String out = run(List.of(python.toString(), SCRIPTS.resolve("notebook_flight.py").toString()), Map.of(
                "ASOF_FLIGHT_URI", flightUri(),
                "ASOF_USER", TestCredentials.USER,
                "ASOF_PASSWORD", TestCredentials.PASSWORD));
        assertThat(out).contains("notebook ok: 4 rows");
    }

    /** Both snippets in README.md are the scripts' README parts, character for character. */
    @Test
    void readmeShowsTheSnippetsAsTested() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String name : List.of("jdbc", "flight")) {
            String script = Files.readString(SCRIPTS.resolve("notebook_" + name + ".py"));
            String start = "# README snippet: " + name + " (start)\n";
            String end = "# README snippet: " + name + " (end)\n";
            String snippet = script.substring(script.indexOf(start) + start.length(), script.indexOf(end));
            assertThat(readme).as("README holds the %s snippet", name).contains("```python\n" + snippet + "```\n");
        }
    }

    private static String flightUri() {
        for (ProtocolEndpoint e : gateway.endpoints()) {
            if (e.url().startsWith("grpc")) {
                return e.url();
            }
        }
        throw new AssertionError("the gateway serves no Flight SQL endpoint: " + gateway.endpoints());
    }

    /** {@code target/notebook-venv} with pyarrow and pandas from the package index; returns its python. */
    private static synchronized Path virtualEnvironment() throws Exception {
        Path python = VENV.resolve("bin").resolve("python");
        if (Files.isExecutable(python)
                && HostCommands.exec(List.of(python.toString(), "-c", "import pyarrow.flight, pandas"), Map.of(), 120).code() == 0) {
            return python;
        }
        HostCommands.Result venv = HostCommands.exec(List.of(SYSTEM_PYTHON.toString(), "-m", "venv", "--clear", VENV.toString()), Map.of(), 300);
        assertThat(venv.code()).as("python3 -m venv:\n%s", venv.output()).isZero();
        HostCommands.Result pip = HostCommands.exec(List.of(python.toString(), "-m", "pip", "install", "--disable-pip-version-check",
                "--retries", "1", "pyarrow", "pandas"), Map.of(), 900);
        assertThat(pip.code()).as("pip install pyarrow pandas:\n%s", pip.output()).isZero();
        return python;
    }

    /** Runs a notebook script; fails with its output unless it exits 0. */
    private static String run(List<String> command, Map<String, String> env) throws Exception {
        HostCommands.Result r = HostCommands.exec(command, env, 600);
        assertThat(r.code()).as("%s exited with %s:\n%s", command, r.code(), r.output()).isZero();
        return r.output();
    }
}
