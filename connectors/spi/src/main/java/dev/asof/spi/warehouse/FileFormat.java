package dev.asof.spi.warehouse;

import java.util.Locale;
import java.util.Optional;

/** File formats an embedded warehouse can read as a source. */
public enum FileFormat {
    CSV,
    PARQUET;

    /** Format from a file name's extension ({@code .csv}, {@code .csv.gz}, {@code .parquet}). */
    public static Optional<FileFormat> fromPath(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".csv.gz") || lower.endsWith(".tsv")) {
            return Optional.of(CSV);
        }
        if (lower.endsWith(".parquet")) {
            return Optional.of(PARQUET);
        }
        return Optional.empty();
    }
}
