package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The identity of one data directory's push log among the gateways sharing a warehouse: a node
 * number, allocated from the registry once and kept in the log's directory (file {@value #FILE}),
 * and the range of sequence numbers the log's rows get, {@code [number·2^40 + 1, (number+1)·2^40)}.
 * Rows pushed through different gateways into one warehouse table therefore never share a
 * sequence number, and each gateway's exactly-once append ("only above the greatest sequence of
 * my range in the table") ignores the others' rows.
 *
 * <p>A log written before nodes were numbered (segments or a checkpoint, but no node file) is node
 * 0: its rows already in the warehouse keep their numbers, which are that range's.
 *
 * @param number the node number: 0 for a log from before numbering, else allocated, at most 2^23 - 1
 */
record PushNode(long number) {
    /** Sequence numbers per node: about 10^12 rows. */
    static final int SEQUENCE_BITS = 40;
    static final String FILE = "node";
    private static final long MAX_NUMBER = (1L << (63 - SEQUENCE_BITS)) - 1;

    PushNode {
        if (number < 0 || number > MAX_NUMBER) {
            throw new IllegalArgumentException("push log node number out of range: " + number);
        }
    }

    /** The sequence number of this node's first row. */
    long firstSequence() {
        return (number << SEQUENCE_BITS) + 1;
    }

    /** The greatest sequence number this node may give. */
    long lastSequence() {
        return ((number + 1) << SEQUENCE_BITS) - 1;
    }

    /**
     * The node of the log in {@code directory}: read from its node file; a log from before
     * numbering is node 0; a new log gets a number from {@code allocate}, kept in the node file
     * (made durable before any row is logged).
     */
    static PushNode open(Path directory, LongSupplier allocate) {
        requireNonNull(directory, "directory");
        requireNonNull(allocate, "allocate");
        Path file = directory.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return new PushNode(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()));
            }
            Files.createDirectories(directory);
            long number = writtenBeforeNumbering(directory) ? 0 : allocate.getAsLong();
            PushNode node = new PushNode(number);
            Path tmp = directory.resolve(FILE + ".tmp");
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                c.write(java.nio.ByteBuffer.wrap(Long.toString(number).getBytes(StandardCharsets.US_ASCII)));
                c.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the push log's node file in " + directory, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the push log's node file " + file + " does not hold a node number", e);
        }
    }

    private static boolean writtenBeforeNumbering(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).anyMatch(n -> n.endsWith(".wal") || n.equals("checkpoint"));
        }
    }
}
