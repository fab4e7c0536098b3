package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SqlSurfaceSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbSqlSurfaceTest extends SqlSurfaceSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
