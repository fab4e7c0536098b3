package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PitSpineShapesSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbPitSpineShapesTest extends PitSpineShapesSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
