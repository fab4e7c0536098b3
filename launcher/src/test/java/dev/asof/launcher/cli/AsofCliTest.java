package dev.asof.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.asof.gateway.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AsofCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AsofCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static ServeCommand parseServe(String... args) {
        CommandLine cli = AsofCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (ServeCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void defaultsWithoutFileOrFlags() {
        ServeCommand serve = parseServe("serve");
        GatewayConfig c = ServeCommand.resolve(serve.config, serve.options);
        assertThat(c).isEqualTo(new GatewayConfig(Path.of("data"), "127.0.0.1", 8765));
    }

    @Test
    void fileOverridesDefaultsAndFlagsOverrideFile() throws IOException {
        Path file = dir.resolve("conf/asof.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                # comment
                asof.data-dir=state
                asof.jdbc.host=0.0.0.0
                asof.jdbc.port=9000
                """);
        ServeCommand fileOnly = parseServe("serve", "--config", file.toString());
        GatewayConfig c = ServeCommand.resolve(fileOnly.config, fileOnly.options);
        // A relative data dir in the file is relative to the file's directory.
        assertThat(c.dataDir()).isEqualTo(dir.resolve("conf/state").toAbsolutePath().normalize());
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.jdbcPort()).isEqualTo(9000);

        ServeCommand withFlags = parseServe("serve", "-c", file.toString(), "--port", "9100", "--data-dir", "elsewhere");
        GatewayConfig f = ServeCommand.resolve(withFlags.config, withFlags.options);
        assertThat(f.dataDir()).isEqualTo(Path.of("elsewhere"));
        assertThat(f.host()).isEqualTo("0.0.0.0"); // not given as a flag: the file's value
        assertThat(f.jdbcPort()).isEqualTo(9100);
    }

    @Test
    void flightSettingsFromFileAndFlag() throws IOException {
        Path file = dir.resolve("flight.properties");
        Files.writeString(file, "asof.flight.port=9815\nasof.flight.tls.cert=tls/cert.pem\nasof.flight.tls.key=tls/key.pem\n");
        GatewayConfig c = GatewayConfig.load(file, GatewayConfig.defaults());
        assertThat(c.flightPort()).isEqualTo(9815);
        assertThat(c.flightTlsCert()).isEqualTo(dir.resolve("tls/cert.pem").toAbsolutePath().normalize());
        assertThat(c.flightTlsKey()).isEqualTo(dir.resolve("tls/key.pem").toAbsolutePath().normalize());
        assertThat(GatewayConfig.defaults().flightPort()).isEqualTo(8815);

        ServeCommand withFlag = parseServe("serve", "--flight-port", "0");
        assertThat(ServeCommand.resolve(withFlag.config, withFlag.options).flightPort()).isZero();

        Files.writeString(file, "asof.flight.tls.cert=cert.pem\n");
        assertThatThrownBy(() -> GatewayConfig.load(file, GatewayConfig.defaults()))
                .hasMessageContaining("asof.flight.tls.key");
    }

    @Test
    void partialFileKeepsDefaults() throws IOException {
        Path file = dir.resolve("asof.properties");
        Files.writeString(file, "asof.jdbc.port=7000\n");
        GatewayConfig c = GatewayConfig.load(file, GatewayConfig.defaults());
        assertThat(c).isEqualTo(new GatewayConfig(Path.of("data"), "127.0.0.1", 7000));
    }

    @Test
    void badConfigIsOneLineAndExitCodeOne() throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "asof.jdbc.prot=7000\n");
        Run r = run("serve", "--config", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("asof: ").contains("asof.jdbc.prot").contains("asof.jdbc.port");

        Files.writeString(file, "asof.jdbc.port=eighty\n");
        Run p = run("serve", "--config", file.toString());
        assertThat(p.code()).isEqualTo(1);
        assertThat(p.err().lines().toList()).singleElement().asString().contains("asof.jdbc.port").contains("eighty");

        Run missing = run("serve", "--config", dir.resolve("nope.properties").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("does not exist").doesNotContain("\tat ");
    }

    @Test
    void portInUseIsOneClearLineAndExitCodeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Run r = run("serve", "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(port));
            assertThat(r.code()).isEqualTo(1);
            List<String> lines = r.err().lines().toList();
            assertThat(lines).singleElement().asString()
                    .isEqualTo("asof: cannot listen on 127.0.0.1:" + port + ": the port is already in use"
                            + " (is another asof running? choose another with --port or asof.jdbc.port)");
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.out()).doesNotContain("JDBC URL");
        }
    }

    @Test
    void unwritableDataDirIsOneClearLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Run r = run("serve", "--data-dir", file.resolve("sub").toString(), "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("asof: cannot create data directory " + file.resolve("sub").toAbsolutePath());

        Run s = run("demo", "--data-dir", file.toString(), "--port", "0");
        assertThat(s.code()).isEqualTo(1);
        assertThat(s.err().lines().toList()).singleElement().asString().endsWith("is not a directory");
    }

    @Test
    void serveStartsPrintsTheUrlAndStops() {
        // The Flight SQL endpoint is on this module's class path: a free port for it too, not 8815.
        Run r = run("serve", "--config", adminConfig().toString(), "--data-dir", dir.resolve("data").toString(),
                "--port", "0", "--flight-port", "0", "--http-port", "0", "--exit-after-start");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Created the admin user 'admin'");
        assertThat(r.out()).containsPattern("JDBC URL: jdbc:asof://127\\.0\\.0\\.1:\\d+");
        // The launcher puts the Flight SQL endpoint on the class path; the gateway finds and starts it.
        assertThat(r.out()).containsPattern("Flight SQL URL: grpc://127\\.0\\.0\\.1:\\d+");
    }

    /** A config file with only the first admin (every gateway needs someone to log in as). */
    private Path adminConfig() {
        try {
            return Files.writeString(dir.resolve("admin.properties"),
                    "asof.admin.user=admin\nasof.admin.password=admin-test-password\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void serveWithoutAnyUserRefusesToStartAndSaysHow() {
        Run r = run("serve", "--data-dir", dir.resolve("empty").toString(), "--port", "0", "--flight-port", "0", "--http-port", "0",
                "--exit-after-start");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no user can log in").contains("asof.admin.user").contains("ASOF_ADMIN_PASSWORD");
    }

    @Test
    void demoRefusesANonLoopbackHost() {
        Run r = run("demo", "--data-dir", dir.resolve("demo-net").toString(), "--host", "0.0.0.0", "--port", "0",
                "--flight-port", "0", "--http-port", "0", "--exit-after-start");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("loopback");
    }

    @Test
    void demoInstallsOnceAndPrintsHowToQuery() {
        String data = dir.resolve("demo").toString();
        Run first = run("demo", "--data-dir", data, "--port", "0", "--flight-port", "0", "--http-port", "0", "--exit-after-start");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("Installed the demo scenario").contains("sql jdbc:asof://127.0.0.1:")
                .contains("LEFT JOIN customer_profile AS OF l.event_ts p")
                .contains("Created the admin user 'demo' with password 'demo'").contains("--user demo --password demo");
        Run second = run("demo", "--data-dir", data, "--port", "0", "--flight-port", "0", "--http-port", "0", "--exit-after-start");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("already installed");
    }

    @Test
    void printExampleConfigIsAValidConfig() throws IOException {
        Run r = run("serve", "--print-example-config");
        assertThat(r.code()).isZero();
        Path file = Files.writeString(dir.resolve("example.properties"), r.out());
        GatewayConfig c = GatewayConfig.load(file, new GatewayConfig(Path.of("x"), "h", 1));
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath().normalize());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.jdbcPort()).isEqualTo(8765);
    }

    @Test
    void sqlCommandBuildsSqllineArguments() {
        CommandLine cli = AsofCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        SqlCommand sql = (SqlCommand) cli.parseArgs("sql", "-e", "SELECT 1", "--outputformat=csv")
                .subcommand().commandSpec().userObject();
        assertThat(sql.sqllineArguments()).containsSubsequence("-d", "dev.asof.jdbc.AsofDriver", "-u",
                "jdbc:asof://127.0.0.1:8765").containsSubsequence("-e", "SELECT 1").contains("--silent=true")
                .endsWith("--outputformat=csv");
        SqlCommand other = (SqlCommand) cli.parseArgs("sql", "jdbc:asof://db:9000")
                .subcommand().commandSpec().userObject();
        assertThat(other.sqllineArguments()).containsSubsequence("-u", "jdbc:asof://db:9000").doesNotContain("-e");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> GatewayConfig.parsePort("70000", "--port"))
                .hasMessage("--port must be a port number 0..65535, not '70000'");
        Run r = run("serve", "--port", "70000");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString().contains("70000");
    }

    @Test
    void aerospikeOnlineStoreFromTheFile() throws IOException {
        Path file = dir.resolve("online.properties");
        Files.writeString(file, """
                asof.online=aerospike
                asof.aerospike.hosts=10.0.0.1:3100,10.0.0.2
                asof.aerospike.namespace=features
                asof.aerospike.timeout=50ms
                asof.aerospike.retries=1
                """);
        GatewayConfig c = GatewayConfig.load(file, GatewayConfig.defaults());
        assertThat(c.online()).contains("aerospike");
        assertThat(c.connector("aerospike").properties()).containsEntry("hosts", "10.0.0.1:3100,10.0.0.2")
                .containsEntry("namespace", "features");
        // The connector reads its own keys.
        dev.asof.connector.aerospike.AerospikeSettings settings =
                dev.asof.connector.aerospike.AerospikeOnlineStoreFactory.settings(c.connector("aerospike"));
        assertThat(settings.seeds()).extracting(Object::toString).containsExactly("10.0.0.1:3100", "10.0.0.2:3000");
        assertThat(settings.namespace()).isEqualTo("features");
        assertThat(settings.totalTimeout()).isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(settings.socketTimeout()).isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(settings.maxRetries()).isEqualTo(1);

        Files.writeString(file, "asof.online=aerospike\n");
        GatewayConfig noHosts = GatewayConfig.load(file, GatewayConfig.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.asof.connector.aerospike.AerospikeOnlineStoreFactory
                        .settings(noHosts.connector("aerospike")))
                .hasMessageContaining("asof.aerospike.hosts");
        Files.writeString(file, "asof.online=redis\n");
        GatewayConfig redis = GatewayConfig.load(file, GatewayConfig.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.asof.gateway.connector.Connectors.installed().select(redis))
                .hasMessageContaining("asof.online must be one of [aerospike, rocksdb], not 'redis'");
    }
}
