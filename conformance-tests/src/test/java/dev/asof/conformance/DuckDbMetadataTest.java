package dev.asof.conformance;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MetadataSuite} on the embedded engine (DuckDB warehouse). */
class DuckDbMetadataTest extends MetadataSuite {
    @RegisterExtension
    static final EngineExtension ENGINE = new EngineExtension(DuckDbEngine::new);

    @Override
    protected ConformanceEngine engine() {
        return ENGINE.engine();
    }
}
