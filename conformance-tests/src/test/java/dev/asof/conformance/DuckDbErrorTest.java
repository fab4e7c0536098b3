package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ErrorSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbErrorTest extends ErrorSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
