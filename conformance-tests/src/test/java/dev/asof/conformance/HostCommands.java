package dev.asof.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Programs of the machine the tests drive (Python, tmux, apt-get): run one with a time limit, and
 * install the Debian packages a test needs when they are missing. As root (the build on a fresh
 * machine) they are installed with apt-get; otherwise the test fails naming what to install. A
 * test that needs them never skips.
 */
final class HostCommands {
    private HostCommands() {}

    /** Exit code and output (stdout and stderr together). */
    record Result(int code, String output) {}

    /** Runs {@code command}, killing it after {@code timeoutSeconds} (code -1). */
    static Result exec(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        Files.createDirectories(Path.of("target"));
        Path log = Files.createTempFile(Path.of("target"), "host-command-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Installs {@code packages} when any is missing (as root), else fails saying {@code who} needs them. */
    static synchronized void ensureDebianPackages(String who, List<String> packages) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String p : packages) {
            Result r = exec(List.of("dpkg-query", "-W", "-f=${Status}", p), Map.of(), 60);
            if (r.code() != 0 || !r.output().contains("install ok installed")) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String uid = exec(List.of("id", "-u"), Map.of(), 10).output().strip();
        assertThat(uid).as("%s need the Debian packages %s; install them (apt-get install -y %s) or run the build"
                + " as root, which installs them", who, missing, String.join(" ", missing)).isEqualTo("0");
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        install.addAll(missing);
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Result r = exec(install, env, 900);
        if (r.code() != 0) {
            // A fresh machine may have no package lists yet.
            Result update = exec(List.of("apt-get", "update"), env, 900);
            assertThat(update.code()).as("apt-get update:\n%s", update.output()).isZero();
            r = exec(install, env, 900);
        }
        assertThat(r.code()).as("%s:\n%s", install, r.output()).isZero();
    }
}
