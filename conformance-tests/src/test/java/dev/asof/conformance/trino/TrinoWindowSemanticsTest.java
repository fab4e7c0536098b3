package dev.asof.conformance.trino;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.EngineExtension;
import dev.asof.conformance.WindowSemanticsSuite;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WindowSemanticsSuite} with Trino 476 as the warehouse (memory catalog). */
class TrinoWindowSemanticsTest extends WindowSemanticsSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
