package dev.asof.gateway.push;

import dev.asof.gateway.AsofGateway;
import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.TestUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A gateway in a JVM of its own, for tests that kill it: it starts on the embedded engines in the
 * data directory given as argument, prints {@code READY <jdbc url>} and serves until killed.
 */
public final class GatewayProcess {
    private GatewayProcess() {}

    public static void main(String[] args) throws Exception {
        AsofGateway gateway = AsofGateway.start(TestUsers.withAdmin(GatewayConfig.embedded(Path.of(args[0]))),
                UnaryOperator.identity(), Map.of());
        System.out.println("READY " + gateway.jdbcUrl());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** A started gateway process and its JDBC URL. */
    public record Started(Process process, String jdbcUrl) {}

    /** Starts a gateway JVM on the test class path over {@code dataDir}; its output goes to {@code log}. */
    public static Started start(Path dataDir, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), GatewayProcess.class.getName(), dataDir.toString()));
        if (Runtime.version().feature() < 22) {
            cmd.remove("--enable-native-access=ALL-UNNAMED");
        }
        Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return new Started(process, line.substring("READY ".length()));
            }
        }
        throw new AssertionError("gateway process ended before it was ready; see " + log);
    }
}
