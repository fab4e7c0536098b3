package dev.asof.gateway.quality;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.registry.Registry;
import dev.asof.planner.catalog.Catalog;
import dev.asof.planner.catalog.CatalogObject;
import dev.asof.planner.catalog.FeatureView;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.planner.quality.PopulationStability;
import dev.asof.planner.quality.QualityStatement;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.warehouse.QueryControl;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.sql.JDBCType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs the monitoring statements of feature views: the settings (LOG SAMPLE, DRIFT THRESHOLD, kept
 * in the registry's {@link dev.asof.gateway.registry.MonitoringSettings} and applied to the
 * {@link FeatureLog} at once), VALIDATE ({@link SkewCheck}), ANALYZE ({@link FeatureStatistics}) and
 * ANALYZE … DRIFT ({@link DriftReport}). Thread-safe.
 */
public final class FeatureQuality {
    /** How long VALIDATE waits for the lookups logged before it to be written. */
    static final Duration LOG_WAIT = Duration.ofSeconds(30);

    /** Rows a statement returns. */
    public record Rows(List<ColumnMetadata> columns, List<List<Object>> rows) {
        public Rows {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    private final Registry registry;
    private final FeatureLog log;
    private final Runnable invalidateMetadata;
    private final Clock clock;
    private final QualityGauges gauges;

    /**
     * @param invalidateMetadata forgets cached warehouse metadata, so that a log table the writer
     *     created since is seen
     * @param clock "now" of ANALYZE without AS OF and of DRIFT without TO
     */
    public FeatureQuality(Registry registry, FeatureLog log, Runnable invalidateMetadata, Clock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.log = requireNonNull(log, "log");
        this.invalidateMetadata = requireNonNull(invalidateMetadata, "invalidateMetadata");
        this.clock = requireNonNull(clock, "clock");
        this.gauges = new QualityGauges(log.meters());
    }

    /** The columns of a statement's rows; empty for the settings, which return an update count. */
    public static Optional<List<ColumnMetadata>> columns(QualityStatement statement) {
        if (statement instanceof QualityStatement.Validate) {
            return Optional.of(SkewCheck.COLUMNS);
        }
        if (statement instanceof QualityStatement.Analyze) {
            return Optional.of(FeatureStatistics.COLUMNS);
        }
        if (statement instanceof QualityStatement.Drift) {
            return Optional.of(DriftReport.COLUMNS);
        }
        return Optional.empty();
    }

    /**
     * Runs {@code statement}; empty for a change of settings.
     *
     * @param catalog the catalog as the gateway sees it (log tables are asof's own); asked after
     *     cached metadata is invalidated
     * @param warehouse the warehouse as the statement's owner is admitted to it
     */
    public Optional<Rows> execute(QualityStatement statement, Supplier<Catalog> catalog, WarehouseConnector warehouse,
            QueryControl control) {
        FeatureView view = view(statement.view());
        long id = registry.objectId(view.name()).orElseThrow();
        if (statement instanceof QualityStatement.SetLogSample s) {
            setLogSample(id, s.fraction());
            return Optional.empty();
        }
        if (statement instanceof QualityStatement.SetDriftThreshold s) {
            registry.monitoring().setDriftThreshold(id, s.threshold());
            return Optional.empty();
        }
        if (statement instanceof QualityStatement.Validate v) {
            log.awaitWritten(LOG_WAIT);
            invalidateMetadata.run();
            return Optional.of(new SkewCheck(warehouse, control, gauges).run(view, log.table(view, id), v, catalog.get()));
        }
        if (statement instanceof QualityStatement.Analyze a) {
            return Optional.of(new FeatureStatistics(warehouse, control).run(view, a.asOf().orElse(clock.instant()),
                    catalog.get()));
        }
        QualityStatement.Drift d = (QualityStatement.Drift) statement;
        double threshold = registry.monitoring().get(id).driftThreshold().orElse(PopulationStability.DEFAULT_THRESHOLD);
        return Optional.of(new DriftReport(warehouse, control, gauges).run(view, d.baseline(),
                d.current().orElse(clock.instant()), threshold, catalog.get()));
    }

    /** Applies a CREATE FEATURE VIEW's {@code LOG SAMPLE} clause to the view just created. */
    public void setLogSample(String viewName, double fraction) {
        setLogSample(registry.objectId(view(viewName).name()).orElseThrow(), fraction);
    }

    private void setLogSample(long viewId, double fraction) {
        registry.monitoring().setLogSample(viewId, fraction);
        log.setLogSample(viewId, fraction);
    }

    private FeatureView view(String name) {
        Optional<CatalogObject> object = registry.get(name);
        if (object.isEmpty() || !(object.get() instanceof FeatureView view)) {
            throw new AsofException(ErrorCode.UNKNOWN_OBJECT, "feature view '" + name + "' not found");
        }
        return view;
    }

    static ColumnMetadata column(String name, JDBCType type) {
        return ColumnMetadata.of(name, type);
    }
}
