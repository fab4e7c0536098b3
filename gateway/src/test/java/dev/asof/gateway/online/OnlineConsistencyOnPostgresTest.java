package dev.asof.gateway.online;

import dev.asof.gateway.GatewayConfig;
import dev.asof.gateway.registry.PostgresRegistry;
import dev.asof.gateway.registry.RegistrySettings;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link OnlineConsistencyTest} with the registry on a real PostgreSQL server. */
class OnlineConsistencyOnPostgresTest extends OnlineConsistencyTest {
    @RegisterExtension
    static final PostgresRegistry POSTGRES = new PostgresRegistry();

    /** One database per test, kept when a test restarts its gateway. */
    private RegistrySettings database;

    @Override
    GatewayConfig embedded(Path dir) {
        if (database == null) {
            database = POSTGRES.newDatabase();
        }
        return GatewayConfig.embedded(dir).withRegistry(database);
    }
}
