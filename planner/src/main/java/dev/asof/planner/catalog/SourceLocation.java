package dev.asof.planner.catalog;

import static java.util.Objects.requireNonNull;

import dev.asof.spi.TableName;
import dev.asof.spi.warehouse.FileFormat;

/** Where a source's rows live. */
public sealed interface SourceLocation {
    /** A warehouse table, {@code catalog.schema.table} (a prefix may be omitted). */
    record Table(TableName name) implements SourceLocation {
        public Table {
            requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name.toString();
        }
    }

    /** A file the embedded warehouse reads directly (absolute path). */
    record File(String path, FileFormat format) implements SourceLocation {
        public File {
            requireNonNull(path, "path");
            requireNonNull(format, "format");
        }

        @Override
        public String toString() {
            return path;
        }
    }
}
