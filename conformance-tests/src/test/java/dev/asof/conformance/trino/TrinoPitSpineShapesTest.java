package dev.asof.conformance.trino;

import dev.asof.conformance.ConformanceEngine;
import dev.asof.conformance.EngineExtension;
import dev.asof.conformance.PitSpineShapesSuite;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PitSpineShapesSuite} with Trino 476 as the warehouse (memory catalog). */
class TrinoPitSpineShapesTest extends PitSpineShapesSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(TrinoEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
