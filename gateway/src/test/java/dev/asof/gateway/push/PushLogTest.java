package dev.asof.gateway.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead log on disk: round trip of every value type, torn tails, corruption, checkpoints. */
class PushLogTest {
    @TempDir
    Path dir;

    private static PushedBatch batch(long first, int rows) {
        Object[][] r = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            r[i] = new Object[] {first + i, "row " + (first + i), 1.5 * i, null, true, LocalDateTime.of(2025, 1, 1, 0, 0, 0, 123_456_000),
                LocalDate.of(2025, 2, 3), new BigDecimal("12.340"), 7, (short) 3, 2.5f};
        }
        return new PushedBatch("clicks", first, 1_700_000_000_000_001L, Arrays.asList(r));
    }

    private static void write(PushLog log, PushedBatch... batches) throws Exception {
        for (PushedBatch b : batches) {
            log.write(b);
        }
        log.sync();
    }

    @Test
    void recoversWhatWasSyncedWithEveryValue() throws Exception {
        PushLog.Recovery r = PushLog.open(dir);
        assertThat(r.batches()).isEmpty();
        assertThat(r.log().nextSequence()).isEqualTo(1);
        write(r.log(), batch(1, 3), batch(4, 2));
        r.log().close();

        PushLog.Recovery again = PushLog.open(dir);
        assertThat(again.batches()).hasSize(2);
        PushedBatch b = again.batches().get(0);
        assertThat(b.source()).isEqualTo("clicks");
        assertThat(b.firstSequence()).isEqualTo(1);
        assertThat(b.createdMicros()).isEqualTo(1_700_000_000_000_001L);
        assertThat(b.rows().get(2)).containsExactly(3L, "row 3", 3.0, null, true,
                LocalDateTime.of(2025, 1, 1, 0, 0, 0, 123_456_000), LocalDate.of(2025, 2, 3), new BigDecimal("12.340"), 7,
                (short) 3, 2.5f);
        assertThat(again.log().nextSequence()).isEqualTo(6);
        again.log().close();
    }

    @Test
    void aTornTailIsCutAndTheLogGoesOnFromThere() throws Exception {
        PushLog.Recovery r = PushLog.open(dir);
        write(r.log(), batch(1, 3), batch(4, 2));
        r.log().close();
        Path segment = segments().get(0);
        long whole = Files.size(segment);
        // A crash in the middle of the second record: a few bytes of it made it to disk.
        try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            c.truncate(whole - 10);
        }
        PushLog.Recovery torn = PushLog.open(dir);
        assertThat(torn.batches()).extracting(PushedBatch::firstSequence).containsExactly(1L);
        assertThat(torn.log().nextSequence()).isEqualTo(4);
        write(torn.log(), batch(4, 1));
        torn.log().close();
        assertThat(PushLog.open(dir).batches()).extracting(PushedBatch::firstSequence).containsExactly(1L, 4L);
    }

    @Test
    void aFlippedByteFailsItsChecksum() throws Exception {
        PushLog.Recovery r = PushLog.open(dir);
        write(r.log(), batch(1, 3), batch(4, 2));
        r.log().close();
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x40; // inside the last record's payload
        Files.write(segment, bytes);
        PushLog.Recovery recovered = PushLog.open(dir);
        assertThat(recovered.batches()).extracting(PushedBatch::firstSequence).containsExactly(1L);
        recovered.log().close();
    }

    @Test
    void corruptionBeforeTheLastSegmentFailsTheOpen() throws Exception {
        PushLog.Recovery r = PushLog.open(dir);
        write(r.log(), batch(1, 3));
        r.log().close();
        Path first = segments().get(0);
        // A later segment exists, so the damage is not a torn tail.
        Files.write(dir.resolve(String.format("%020d", 100) + ".wal"), new byte[0]);
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(first, bytes);
        assertThatThrownBy(() -> PushLog.open(dir)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("push log");
    }

    @Test
    void aCheckpointSkipsWhatTheWarehouseHasAndDropsWholeSegments() throws Exception {
        PushLog.Recovery r = PushLog.open(dir);
        write(r.log(), batch(1, 3), batch(4, 2));
        r.log().checkpoint(4);
        r.log().close();
        PushLog.Recovery after = PushLog.open(dir);
        assertThat(after.checkpoint()).isEqualTo(4);
        assertThat(after.batches()).extracting(PushedBatch::firstSequence).containsExactly(4L);
        after.log().close();
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".wal")).sorted().toList();
        }
    }
}
