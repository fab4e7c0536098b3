package dev.asof.gateway.registry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for registry tests (binaries from Maven Central, run as a child
 * process), started once per test JVM and stopped when the last test is done; each caller of
 * {@link #newDatabase()} gets a database of its own on it. Register with
 * {@code @RegisterExtension static final PostgresRegistry POSTGRES = new PostgresRegistry();}.
 */
public final class PostgresRegistry implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresRegistry.class);
    private final AtomicInteger databases = new AtomicInteger();
    private Server server;

    /** The server, shared through the root context so that every test class uses the same one. */
    private record Server(EmbeddedPostgres postgres) implements ExtensionContext.Store.CloseableResource {
        static Server start() {
            try {
                // Under target/ (the working directory of the test JVM), not the system temp dir.
                Path work = Files.createDirectories(Path.of("target", "postgres")).toAbsolutePath();
                return new Server(EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(work.toFile())
                        .setDataDirectory(Files.createTempDirectory(work, "data"))
                        .setCleanDataDirectory(true)
                        .start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start PostgreSQL for the registry tests", e);
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, k -> Server.start(),
                Server.class);
    }

    /** Settings of a new, empty database on the server, for one registry (or several sharing it). */
    public RegistrySettings newDatabase() {
        String name = "registry_" + ProcessHandle.current().pid() + "_" + System.identityHashCode(this) + "_"
                + databases.incrementAndGet();
        try (Connection c = server.postgres().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return RegistrySettings.shared(server.postgres().getJdbcUrl("postgres", name), "postgres", null);
    }
}
