package dev.asof.gateway.security;

import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories file sources may be read from ({@code CREATE SOURCE … FROM FILE}, an admin
 * statement): a path is allowed when, with symbolic links and {@code ..} resolved, it lies in one
 * of them. Without the check an admin's typo or a pasted path could turn any file the gateway's
 * process can read into a source, e.g. a key or a password file.
 *
 * @param directories the allowed directories; empty allows every path (executors built without a
 *     gateway configuration, such as tools and unit tests)
 */
public record SourceDirectories(List<Path> directories) {
    public SourceDirectories {
        directories = List.copyOf(directories);
    }

    /** Allows every path. */
    public static SourceDirectories unrestricted() {
        return new SourceDirectories(List.of());
    }

    /** The data directory and {@code others}. */
    public static SourceDirectories of(Path dataDirectory, List<Path> others) {
        List<Path> all = new ArrayList<>();
        all.add(dataDirectory);
        all.addAll(others);
        return new SourceDirectories(all);
    }

    /**
     * Fails with {@link ErrorCode#INSUFFICIENT_PRIVILEGE} unless {@code path} lies in an allowed
     * directory; the message names the allowed directories so an admin can fix the configuration.
     */
    public void check(String path) {
        if (directories.isEmpty()) {
            return;
        }
        Path file = real(Path.of(path).toAbsolutePath().normalize());
        for (Path dir : directories) {
            if (file.startsWith(real(dir.toAbsolutePath().normalize()))) {
                return;
            }
        }
        throw new AsofException(ErrorCode.INSUFFICIENT_PRIVILEGE, "permission denied: file '" + path
                + "' is outside the directories sources may be read from (" + directories
                + "); add its directory to asof.sources.allowed-directories");
    }

    /** The path with symbolic links resolved when it exists, so a link cannot lead out of a directory. */
    private static Path real(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : path;
        } catch (IOException e) {
            return path;
        }
    }
}
