package dev.asof.gateway.registry;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The registry's database: a connection pool and the SQL that differs between the databases a
 * registry can live in. Opening it brings its schema up to date with the migrations under
 * {@code db/registry} (Flyway), the same scripts on every database; a registry written by an older
 * gateway is upgraded in place, and a newer one than this gateway knows is refused.
 */
final class RegistryDatabase implements AutoCloseable {
    /** Migration scripts on the class path. */
    static final String MIGRATIONS = "classpath:db/registry";
    /** Flyway's history table, named so that it is clearly asof's in a shared database. */
    static final String HISTORY_TABLE = "asof_schema_history";

    /** A database the registry can live in, and how its SQL differs from the others'. */
    enum Vendor {
        H2("jdbc:h2:", "NEXT VALUE FOR %s"),
        POSTGRESQL("jdbc:postgresql:", "nextval('%s')");

        private final String urlPrefix;
        private final String nextValue;

        Vendor(String urlPrefix, String nextValue) {
            this.urlPrefix = urlPrefix;
            this.nextValue = nextValue;
        }

        /** The next value of {@code sequence}, as an SQL expression. */
        String nextValue(String sequence) {
            return String.format(Locale.ROOT, nextValue, sequence);
        }

        /**
         * The vendor of a JDBC URL.
         *
         * @throws IllegalArgumentException when the registry cannot live in that database
         */
        static Vendor of(String url) {
            for (Vendor v : values()) {
                if (url.startsWith(v.urlPrefix)) {
                    return v;
                }
            }
            throw new IllegalArgumentException(RegistrySettings.URL_KEY + " must be a PostgreSQL URL"
                    + " (jdbc:postgresql://host:port/database), not '" + url + "'");
        }
    }

    private final HikariDataSource pool;
    private final Vendor vendor;

    private RegistryDatabase(HikariDataSource pool, Vendor vendor) {
        this.pool = requireNonNull(pool, "pool");
        this.vendor = requireNonNull(vendor, "vendor");
    }

    /**
     * Opens the registry database that {@code settings} name (or the H2 file under {@code dataDir})
     * and migrates its schema.
     *
     * @throws IllegalStateException when the database cannot be reached or migrated; the message
     *     says which database and why, without the password
     */
    static RegistryDatabase open(RegistrySettings settings, Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("registry");
        String url = settings.url().orElseGet(() ->
                // FILE_LOCK=FS: a second gateway on the same directory fails fast instead of sharing it.
                // WRITE_DELAY=0: H2 writes a commit before the statement returns; by default it
                // writes it up to 500 ms later, and a kill -9 in between lost acknowledged DDL
                // (and made push recovery drop the rows of a source it no longer knew).
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry") + ";FILE_LOCK=FS;WRITE_DELAY=0");
        Vendor vendor = Vendor.of(url);
        config.setJdbcUrl(url);
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(p -> config.setPassword(p.reveal()));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the registry at " + settings.url().orElse("the data directory")
                    + ": " + rootMessage(e), e);
        }
        RegistryDatabase db = new RegistryDatabase(pool, vendor);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return db;
    }

    private void migrate() {
        try {
            Flyway.configure(RegistryDatabase.class.getClassLoader())
                    .dataSource(pool)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    // A registry from before migrations has tables but no history; V1 is idempotent
                    // and brings it to version 1, so start its history below that.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .placeholders(Map.of(
                            "object_id_next", vendor.nextValue("asof_object_id"),
                            "credential_id_next", vendor.nextValue("asof_credential_id")))
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new IllegalStateException("cannot bring the registry's schema up to date: " + rootMessage(e), e);
        }
    }

    HikariDataSource pool() {
        return pool;
    }

    Vendor vendor() {
        return vendor;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }

    @Override
    public void close() {
        pool.close();
    }
}
