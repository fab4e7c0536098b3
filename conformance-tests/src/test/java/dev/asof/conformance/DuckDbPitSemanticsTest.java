package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PitSemanticsSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbPitSemanticsTest extends PitSemanticsSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
