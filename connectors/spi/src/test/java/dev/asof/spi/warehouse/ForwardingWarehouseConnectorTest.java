package dev.asof.spi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A wrapper that forgot a method would silently answer with the interface's default (a push
 * schema nobody has, a pool size of one) instead of the engine's: every method of the connector
 * interface must be forwarded.
 */
class ForwardingWarehouseConnectorTest {
    @Test
    void everyConnectorMethodIsForwarded() {
        List<String> missing = Arrays.stream(WarehouseConnector.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(m))
                .map(Method::toGenericString)
                .toList();
        assertThat(missing).as("methods of WarehouseConnector not forwarded").isEmpty();
    }

    private static boolean declares(Method m) {
        try {
            ForwardingWarehouseConnector.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
