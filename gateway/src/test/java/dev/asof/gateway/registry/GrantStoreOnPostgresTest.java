package dev.asof.gateway.registry;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link GrantStoreTest} on a real PostgreSQL server. */
class GrantStoreOnPostgresTest extends GrantStoreTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();

    private RegistrySettings database;

    @Override
    RegistrySettings settings() {
        if (database == null) {
            database = POSTGRES.newDatabase();
        }
        return database;
    }
}
