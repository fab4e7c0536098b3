package dev.asof.conformance.trino;

import dev.asof.conformance.AuthorizationSuite;
import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.EngineExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AuthorizationSuite} with Trino 476 as the warehouse (memory catalog). */
class TrinoAuthorizationTest extends AuthorizationSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
