package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WindowSemanticsSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbWindowSemanticsTest extends WindowSemanticsSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
