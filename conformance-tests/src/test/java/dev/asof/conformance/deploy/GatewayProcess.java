package dev.asof.conformance.deploy;

import dev.asof.conformance.TestCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One gateway as an operator runs it: {@code asof serve --config FILE} in a JVM of its own, on the
 * test class path; {@link #kill()} is {@code kill -9}.
 */
final class GatewayProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final String jdbcUrl;
    private final List<String> output;

    private GatewayProcess(String name, Process process, String jdbcUrl, List<String> output) {
        this.name = name;
        this.process = process;
        this.jdbcUrl = jdbcUrl;
        this.output = output;
    }

    /** Starts a gateway with {@code properties} as its config file, and waits until it serves. */
    static GatewayProcess start(String name, Path dir, Map<String, String> properties) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("asof.data-dir", dir.resolve("data").toString());
        Path config = dir.resolve("asof.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "gateway " + name);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.asof.launcher.cli.AsofCli", "serve", "--config", config.toString());
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("JDBC URL: ")) {
                        url.complete(line.substring("JDBC URL: ".length()).trim());
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            url.completeExceptionally(new IllegalStateException("gateway " + name + " ended before serving: "
                    + String.join("\n", output)));
        }, "gateway-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new GatewayProcess(name, process, url.get(360, TimeUnit.SECONDS), output);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("gateway " + name + " did not start: " + String.join("\n", output), e);
        }
    }

    /** A new JDBC connection as the test admin. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(TestCredentials.url(jdbcUrl));
    }

    /** {@code kill -9}: the gateway gets no chance to record anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** CPU time (user and system) the gateway's process has used so far, as the OS reports it. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the CPU time of " + this));
    }

    /** The gateway's {@code jdbc:asof:} URL, without credentials. */
    String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return "gateway " + name + " (" + jdbcUrl + ")";
    }
}
