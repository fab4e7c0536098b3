package dev.asof.gateway.connector;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.GatewayConfig;
import dev.asof.spi.ConnectorContext;
import dev.asof.spi.config.ConnectorConfig;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.OnlineStoreFactory;
import dev.asof.spi.warehouse.WarehouseConnector;
import dev.asof.spi.warehouse.WarehouseConnectorFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The connectors installed in this process (found with {@link ServiceLoader}, as Trino finds its
 * plugins) and which of them a configuration selects. The gateway names no concrete connector: a
 * warehouse or online store is a module on the class path with a factory service.
 */
public final class Connectors {
    private final Map<String, WarehouseConnectorFactory> warehouses;
    private final Map<String, OnlineStoreFactory> onlineStores;

    Connectors(List<WarehouseConnectorFactory> warehouses, List<OnlineStoreFactory> onlineStores) {
        this.warehouses = byName(warehouses, WarehouseConnectorFactory::name);
        this.onlineStores = byName(onlineStores, OnlineStoreFactory::name);
    }

    /** The factories on the class path. */
    public static Connectors installed() {
        return new Connectors(
                ServiceLoader.load(WarehouseConnectorFactory.class).stream().map(ServiceLoader.Provider::get).toList(),
                ServiceLoader.load(OnlineStoreFactory.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /**
     * The warehouse and online store {@code config} selects, each with its keys, checked: every
     * {@code asof.<name>.*} key must belong to one of the two.
     *
     * @throws IllegalArgumentException naming the key or value that is wrong
     */
    public Selection select(GatewayConfig config) {
        requireNonNull(config, "config");
        String warehouse = choose(config.warehouse(), warehouses, config, WarehouseConnectorFactory::isDefault,
                GatewayConfig.WAREHOUSE_KEY, "warehouse");
        String online = choose(config.online(), onlineStores, config, OnlineStoreFactory::isDefault,
                GatewayConfig.ONLINE_KEY, "online store");
        for (String name : config.connectors().keySet()) {
            if (name.equals(warehouse) || name.equals(online)) {
                continue;
            }
            if (warehouses.containsKey(name)) {
                throw new IllegalArgumentException(origin(config, name) + "asof." + name + ".* keys are set but "
                        + GatewayConfig.WAREHOUSE_KEY + " is " + warehouse + "; set " + GatewayConfig.WAREHOUSE_KEY + "=" + name);
            }
            if (onlineStores.containsKey(name)) {
                throw new IllegalArgumentException(origin(config, name) + "asof." + name + ".* keys are set but "
                        + GatewayConfig.ONLINE_KEY + " is " + online + "; set " + GatewayConfig.ONLINE_KEY + "=" + name);
            }
            throw new IllegalArgumentException(origin(config, name) + "unknown key(s) "
                    + new TreeSet<>(config.connector(name).properties().keySet().stream().map(k -> "asof." + name + "." + k).toList())
                    + ": no connector named '" + name + "' is installed (installed: " + installedNames() + ")");
        }
        return new Selection(warehouses.get(warehouse), config.connector(warehouse), onlineStores.get(online),
                config.connector(online));
    }

    /** The selected factories and their keys. */
    public record Selection(WarehouseConnectorFactory warehouse, ConnectorConfig warehouseConfig,
            OnlineStoreFactory onlineStore, ConnectorConfig onlineStoreConfig) {
        public Selection {
            requireNonNull(warehouse, "warehouse");
            requireNonNull(warehouseConfig, "warehouseConfig");
            requireNonNull(onlineStore, "onlineStore");
            requireNonNull(onlineStoreConfig, "onlineStoreConfig");
        }

        public WarehouseConnector openWarehouse(ConnectorContext context) {
            return warehouse.create(warehouseConfig, context);
        }

        public OnlineStore openOnlineStore(ConnectorContext context) {
            return onlineStore.create(onlineStoreConfig, context);
        }
    }

    /**
     * The explicit choice; else the one non-default connector of this kind whose keys are set
     * (setting {@code asof.aerospike.hosts} is enough to mean Aerospike); else the default.
     */
    private static <F> String choose(Optional<String> explicit, Map<String, F> factories, GatewayConfig config,
            java.util.function.Predicate<F> isDefault, String key, String kind) {
        if (explicit.isPresent()) {
            String name = explicit.get().toLowerCase(java.util.Locale.ROOT);
            if (!factories.containsKey(name)) {
                throw new IllegalArgumentException(key + " must be one of " + factories.keySet() + ", not '"
                        + explicit.get() + "'");
            }
            return name;
        }
        List<String> configured = factories.entrySet().stream()
                .filter(e -> !isDefault.test(e.getValue()) && config.connectors().containsKey(e.getKey()))
                .map(Map.Entry::getKey).toList();
        if (configured.size() == 1) {
            return configured.get(0);
        }
        return factories.entrySet().stream().filter(e -> isDefault.test(e.getValue())).map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + " is configured (" + key
                        + ") and none is embedded; installed: " + factories.keySet()));
    }

    private Set<String> installedNames() {
        Set<String> names = new TreeSet<>(warehouses.keySet());
        names.addAll(onlineStores.keySet());
        return names;
    }

    private static String origin(GatewayConfig config, String name) {
        return config.connector(name).origin() + ": ";
    }

    private static <F> Map<String, F> byName(List<F> factories, Function<F, String> name) {
        Map<String, F> map = new TreeMap<>();
        for (F f : factories) {
            F previous = map.put(name.apply(f), f);
            if (previous != null) {
                throw new IllegalStateException("two connectors are named '" + name.apply(f) + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return map;
    }
}
