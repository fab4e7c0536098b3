package dev.asof.gateway.push;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log of pushed rows: segment files {@code <first sequence>.wal} in one
 * directory, each a sequence of records {@code [payload length: int][CRC-32C of payload: int]
 * [payload]} (big-endian), the payload a {@link BatchCodec} batch. Records are written by one
 * thread ({@link #write}) and made durable by {@link #sync} (one {@code fsync} for everything
 * written since the last one: group commit).
 *
 * <p>Recovery ({@link #open}) reads every segment; a record that is short or fails its CRC in the
 * last segment is a write torn by a crash: the segment is truncated there (those rows were never
 * acknowledged). Anywhere else it is corruption and opening fails. A checkpoint file holds the
 * first sequence that may still be missing from the warehouse; segments wholly below it are
 * deleted.
 *
 * <p>Not thread-safe: the ingest thread writes and syncs; the appender thread calls
 * {@link #checkpoint} through the ingest's lock.
 */
final class PushLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushLog.class);
    /** A segment is closed and a new one started past this size. */
    static final long SEGMENT_BYTES = 64L << 20;
    private static final String SUFFIX = ".wal";
    private static final String CHECKPOINT = "checkpoint";
    private static final int HEADER = 8;
    /** Larger records are corrupt (a batch is bounded well below). */
    private static final int MAX_RECORD = 256 << 20;

    private final Path directory;
    private final List<Segment> segments = new ArrayList<>();
    private FileChannel active;
    private long nextSequence;
    /** The greatest sequence this log may give (the end of its node's range). */
    private final long lastSequence;

    private record Segment(Path path, long firstSequence) {}

    private PushLog(Path directory, long lastSequence) {
        this.directory = directory;
        this.lastSequence = lastSequence;
    }

    /** What recovery found: the log, and the batches at or above the checkpoint, in order. */
    record Recovery(PushLog log, long checkpoint, List<PushedBatch> batches) {}

    /** Opens (creating) the log of node 0 in {@code directory}, recovering what it holds (tests). */
    static Recovery open(Path directory) {
        return open(directory, new PushNode(0));
    }

    /**
     * Opens (creating) the log in {@code directory}, recovering what it holds; a new log numbers
     * its rows from {@code node}'s first sequence.
     */
    static Recovery open(Path directory, PushNode node) {
        requireNonNull(directory, "directory");
        requireNonNull(node, "node");
        PushLog log = new PushLog(directory, node.lastSequence());
        try {
            Files.createDirectories(directory);
            long checkpoint = log.readCheckpoint();
            List<Segment> found;
            try (Stream<Path> files = Files.list(directory)) {
                found = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                        .map(p -> new Segment(p, Long.parseLong(p.getFileName().toString()
                                .substring(0, p.getFileName().toString().length() - SUFFIX.length()))))
                        .sorted(java.util.Comparator.comparingLong(Segment::firstSequence))
                        .toList();
            }
            List<PushedBatch> batches = new ArrayList<>();
            long next = checkpoint;
            for (int i = 0; i < found.size(); i++) {
                Segment s = found.get(i);
                boolean last = i == found.size() - 1;
                for (PushedBatch b : log.read(s, last)) {
                    next = Math.max(next, b.firstSequence() + b.rows().size());
                    if (b.firstSequence() + b.rows().size() > checkpoint) {
                        batches.add(b);
                    }
                }
                log.segments.add(s);
            }
            log.nextSequence = Math.max(next, node.firstSequence());
            log.startSegment();
            log.deleteBelow(checkpoint);
            return new Recovery(log, checkpoint, batches);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the push log in " + directory, e);
        }
    }

    /** The sequence number the next row gets. */
    long nextSequence() {
        return nextSequence;
    }

    /**
     * Appends {@code batch} (not yet durable); its first sequence must be {@link #nextSequence()}.
     *
     * @return the position before it, for {@link #truncate} when the group's sync fails
     */
    long write(PushedBatch batch) throws IOException {
        if (batch.firstSequence() != nextSequence) {
            throw new IllegalArgumentException("batch starts at " + batch.firstSequence() + ", log at " + nextSequence);
        }
        if (batch.rows().size() > lastSequence - nextSequence + 1) {
            throw new IOException("the push log has used up its node's sequence numbers (up to " + lastSequence + ")");
        }
        byte[] payload = BatchCodec.encode(batch);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.BIG_ENDIAN);
        buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long before = active.position();
        while (buffer.hasRemaining()) {
            active.write(buffer);
        }
        nextSequence += batch.rows().size();
        return before;
    }

    /** Forces everything written to disk. */
    void sync() throws IOException {
        active.force(false);
    }

    /** Drops what was written from {@code position} on (a group whose sync failed), back to {@code sequence}. */
    void truncate(long position, long sequence) {
        try {
            active.truncate(position);
            active.position(position);
            nextSequence = sequence;
        } catch (IOException e) {
            LOG.error("cannot truncate the push log after a failed write", e);
        }
    }

    /** Starts a new segment when the active one is full; call between groups. */
    void rollIfFull() throws IOException {
        if (active.size() >= SEGMENT_BYTES) {
            active.force(true);
            active.close();
            startSegment();
        }
    }

    /**
     * Records that every row below {@code sequence} is in the warehouse and deletes the segments
     * that hold only such rows (never the active one).
     */
    void checkpoint(long sequence) {
        try {
            Path tmp = directory.resolve(CHECKPOINT + ".tmp");
            Files.write(tmp, Long.toString(sequence).getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(tmp, directory.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, directory.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING);
            }
            deleteBelow(sequence);
        } catch (IOException e) {
            // A stale checkpoint only makes recovery read more: replay is idempotent.
            LOG.warn("cannot write the push log checkpoint in {}", directory, e);
        }
    }

    private void deleteBelow(long sequence) throws IOException {
        // Segment i holds sequences [first(i), first(i+1)): deletable when first(i+1) <= sequence.
        while (segments.size() > 1 && segments.get(1).firstSequence() <= sequence) {
            Files.deleteIfExists(segments.remove(0).path());
        }
    }

    private long readCheckpoint() throws IOException {
        Path file = directory.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            return 0;
        }
        return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
    }

    private void startSegment() throws IOException {
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        Segment s;
        if (last != null && Files.size(last.path()) < SEGMENT_BYTES) {
            s = last; // keep appending to the segment recovery ended in
        } else {
            s = new Segment(directory.resolve(String.format("%020d", nextSequence) + SUFFIX), nextSequence);
            segments.add(s);
        }
        active = FileChannel.open(s.path(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        active.position(active.size());
        syncDirectory();
    }

    /** Makes a created or renamed file's directory entry durable (a no-op where unsupported). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported on every platform; the data itself is forced by sync()
        }
    }

    private List<PushedBatch> read(Segment segment, boolean last) throws IOException {
        List<PushedBatch> batches = new ArrayList<>();
        byte[] all = Files.readAllBytes(segment.path());
        ByteBuffer buffer = ByteBuffer.wrap(all).order(ByteOrder.BIG_ENDIAN);
        while (buffer.remaining() > 0) {
            int start = buffer.position();
            String problem = null;
            PushedBatch batch = null;
            if (buffer.remaining() < HEADER) {
                problem = "a short record header";
            } else {
                int length = buffer.getInt();
                int crc = buffer.getInt();
                if (length < 0 || length > MAX_RECORD || length > buffer.remaining()) {
                    problem = "a record longer than the file";
                } else {
                    CRC32C check = new CRC32C();
                    check.update(all, buffer.position(), length);
                    if ((int) check.getValue() != crc) {
                        problem = "a record failing its checksum";
                    } else {
                        batch = BatchCodec.decode(ByteBuffer.wrap(all, buffer.position(), length).slice());
                        buffer.position(buffer.position() + length);
                    }
                }
            }
            if (problem != null) {
                if (!last) {
                    throw new IOException("push log segment " + segment.path() + " is corrupt at byte " + start
                            + " (" + problem + ") and is not the last segment");
                }
                LOG.warn("push log {}: {} at byte {} (a write torn by a crash); truncating there", segment.path(),
                        problem, start);
                try (FileChannel c = FileChannel.open(segment.path(), StandardOpenOption.WRITE)) {
                    c.truncate(start);
                    c.force(true);
                }
                break;
            }
            batches.add(batch);
        }
        return batches;
    }

    @Override
    public void close() {
        try {
            if (active != null) {
                active.force(true);
                active.close();
            }
        } catch (IOException e) {
            LOG.warn("cannot close the push log", e);
        }
    }
}
