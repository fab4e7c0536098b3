package dev.asof.connector.duckdb;

import dev.asof.spi.ConnectorException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * One pass over a delimited text file before DuckDB types it, for the errors DuckDB's reader
 * gives badly or not at all: a header line only (no rows to infer types from), a row whose field
 * count differs from the header's (DuckDB's sniffer then reads the file as one text column), and
 * duplicate header names (which DuckDB silently renames). Fields follow RFC 4180: a quoted field
 * may hold the delimiter, doubled quotes and line breaks.
 *
 * @param header the header's names
 * @param rows the number of data rows
 */
record CsvShape(List<String> header, long rows) {
    CsvShape {
        header = List.copyOf(header);
    }

    /** Reads {@code file} to the end; {@code .gz} files are decompressed, {@code .tsv} files are tab-separated. */
    static CsvShape read(Path file) {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        char delimiter = lower.endsWith(".tsv") ? '\t' : ',';
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = lower.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Scanner scanner = new Scanner(reader, delimiter);
            List<String> header = scanner.next();
            if (header == null) {
                throw new ConnectorException("the file is empty: it has no header line and no rows", null);
            }
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).trim();
                Integer before = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
                if (before != null) {
                    throw new ConnectorException("columns " + (before + 1) + " ('" + header.get(before).trim() + "') and "
                            + (i + 1) + " ('" + name + "') of the header have the same name; names are"
                            + " case-insensitive and must be unique", null);
                }
            }
            long rows = 0;
            for (List<String> row; (row = scanner.next()) != null; ) {
                if (row.size() == 1 && row.get(0).isEmpty()) {
                    continue; // blank line
                }
                if (row.size() != header.size()) {
                    throw new ConnectorException("line " + scanner.rowStartLine + " has " + row.size() + " field"
                            + (row.size() == 1 ? "" : "s") + ", the header has " + header.size(), null);
                }
                rows++;
            }
            if (rows == 0) {
                throw new ConnectorException("the file has a header but no rows, so the types of its columns cannot"
                        + " be inferred; add at least one row", null);
            }
            return new CsvShape(header, rows);
        } catch (IOException e) {
            throw new ConnectorException("cannot read the file: " + e.getMessage(), e);
        }
    }

    /** Splits records, tracking the line each record starts on (1-based, the header is line 1). */
    private static final class Scanner {
        private final BufferedReader reader;
        private final char delimiter;
        private long line = 1;
        long rowStartLine;

        Scanner(BufferedReader reader, char delimiter) {
            this.reader = reader;
            this.delimiter = delimiter;
        }

        List<String> next() throws IOException {
            int c = reader.read();
            if (c < 0) {
                return null;
            }
            rowStartLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (true) {
                if (c < 0) {
                    fields.add(field.toString());
                    return fields;
                }
                char ch = (char) c;
                if (quoted) {
                    if (ch == '"') {
                        reader.mark(1);
                        int n = reader.read();
                        if (n == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            if (n >= 0) {
                                reader.reset();
                            }
                        }
                    } else {
                        if (ch == '\n') {
                            line++;
                        }
                        field.append(ch);
                    }
                } else if (ch == '"' && field.isEmpty()) {
                    quoted = true;
                } else if (ch == delimiter) {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r') {
                        reader.mark(1);
                        if (reader.read() != '\n') {
                            reader.reset();
                        }
                    }
                    line++;
                    fields.add(field.toString());
                    return fields;
                } else {
                    field.append(ch);
                }
                c = reader.read();
            }
        }
    }
}
