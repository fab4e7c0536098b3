package dev.asof.conformance;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one engine (and its gateway) before the first test of a class and closes it after the
 * last. Register it as a {@code static} field with {@code @RegisterExtension}.
 */
public final class EngineExtension implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<? extends ConformanceEngine> factory;
    private ConformanceEngine engine;

    public EngineExtension(Supplier<? extends ConformanceEngine> factory) {
        this.factory = factory;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        engine = factory.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (engine != null) {
            try {
                engine.close();
            } finally {
                engine = null;
            }
        }
    }

    public ConformanceEngine engine() {
        if (engine == null) {
            throw new IllegalStateException("engine not started (register the extension as static)");
        }
        return engine;
    }
}
