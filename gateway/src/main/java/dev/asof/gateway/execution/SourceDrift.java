package dev.asof.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.asof.gateway.metadata.WarehouseMetadataCache;
import dev.asof.planner.catalog.Source;
import dev.asof.planner.catalog.SourceLocation;
import dev.asof.planner.error.AsofException;
import dev.asof.planner.error.ErrorCode;
import dev.asof.spi.ColumnMetadata;
import dev.asof.spi.ConnectorException;
import dev.asof.spi.warehouse.WarehouseConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Whether a source still has the columns it was defined with, checked before a statement reads
 * it: a table's columns come from the gateway's {@link WarehouseMetadataCache} (so a change made
 * outside asof is seen within the metadata TTL; one made through asof at once); a file is
 * re-described only when its size or modification time changed since it was last described
 * (one stat per statement otherwise). Columns added since CREATE are allowed; a declared column
 * that is gone or whose type changed fails the statement with {@link ErrorCode#INVALID_SOURCE},
 * naming the source, the column, the declared and the current type.
 */
final class SourceDrift {
    private record FileState(long size, long modified, List<ColumnMetadata> columns) {}

    private final WarehouseConnector warehouse;
    private final WarehouseMetadataCache metadata;
    private final ConcurrentMap<String, FileState> files = new ConcurrentHashMap<>();

    SourceDrift(WarehouseConnector warehouse, WarehouseMetadataCache metadata) {
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.metadata = requireNonNull(metadata, "metadata");
    }

    /** Fails with {@link ErrorCode#INVALID_SOURCE} when {@code source}'s declared columns no longer match. */
    void check(Source source) {
        List<ColumnMetadata> now = current(source, false);
        difference(source.columns(), now).ifPresent(problem -> {
            throw new AsofException(ErrorCode.INVALID_SOURCE, "source '" + source.name() + "' (" + source.location()
                    + ") changed since it was defined: " + problem + "; run ALTER SOURCE " + source.name()
                    + " REFRESH to take the new columns, or restore the " + kind(source));
        });
    }

    /** The columns the source's table or file has now; {@code force} re-describes a file even if unchanged. */
    List<ColumnMetadata> current(Source source, boolean force) {
        if (source.location() instanceof SourceLocation.Table t) {
            if (force) {
                metadata.invalidate();
            }
            return metadata.columns(t.name()).orElseThrow(() -> new AsofException(ErrorCode.INVALID_SOURCE,
                    "source '" + source.name() + "': table " + t.name() + " no longer exists in " + warehouse.engineName()));
        }
        SourceLocation.File f = (SourceLocation.File) source.location();
        Path path = Path.of(f.path());
        long size;
        long modified;
        try {
            size = Files.size(path);
            modified = Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            throw new AsofException(ErrorCode.INVALID_SOURCE, "source '" + source.name() + "': file " + f.path()
                    + " no longer exists or cannot be read");
        }
        FileState known = files.get(f.path());
        if (!force && known != null && known.size() == size && known.modified() == modified) {
            return known.columns();
        }
        List<ColumnMetadata> columns;
        try {
            columns = warehouse.describeFile(f.path(), f.format());
        } catch (ConnectorException e) {
            throw new AsofException(ErrorCode.INVALID_SOURCE, "source '" + source.name() + "' changed since it was defined: "
                    + e.getMessage());
        }
        files.put(f.path(), new FileState(size, modified, columns));
        return columns;
    }

    /** The first declared column that is missing from {@code now} or has another type there. */
    static Optional<String> difference(List<ColumnMetadata> declared, List<ColumnMetadata> now) {
        for (ColumnMetadata d : declared) {
            Optional<ColumnMetadata> n = find(now, d.name());
            if (n.isEmpty()) {
                return Optional.of("column '" + d.name() + "' (declared " + d.typeName() + ") is gone");
            }
            if (!sameType(d, n.get())) {
                return Optional.of("column '" + d.name() + "' was declared " + d.typeName() + " and is now "
                        + n.get().typeName());
            }
        }
        return Optional.empty();
    }

    static boolean sameType(ColumnMetadata a, ColumnMetadata b) {
        return a.jdbcType() == b.jdbcType() && a.typeName().equalsIgnoreCase(b.typeName());
    }

    static Optional<ColumnMetadata> find(List<ColumnMetadata> columns, String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    private static String kind(Source source) {
        return source.location() instanceof SourceLocation.Table ? "table" : "file";
    }
}
