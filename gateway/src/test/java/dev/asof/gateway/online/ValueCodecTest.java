package dev.asof.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values read from a buffer in place (the lookup path) are those the stream reader gives, of the
 * same class, and skipping a value lands exactly on the next one, for every kind of value.
 */
class ValueCodecTest {
    private static final List<Object> VALUES = Arrays.asList(null, 42L, -7, 2.5, 1.25f, new BigDecimal("-12345.678"),
            "héllo", "", true, false, LocalDate.of(2025, 3, 1), LocalDateTime.of(2025, 3, 1, 12, 30, 15, 123_456_000),
            OffsetDateTime.of(2025, 3, 1, 12, 0, 0, 1_000, ZoneOffset.UTC), (short) -3, (byte) 9,
            new byte[] {1, 2, 3}, LocalTime.of(23, 59, 59, 999_999_000));

    @Test
    void bufferReadsAndSkipsEveryKindOfValue() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {7, 7, 7}); // the values start inside a larger array, as in a stored record
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Object v : VALUES) {
                ValueCodec.write(out, v);
            }
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray(), 3, bytes.size() - 3).slice();

        List<Object> read = new ArrayList<>();
        ByteBuffer in = buffer.duplicate();
        for (int i = 0; i < VALUES.size(); i++) {
            read.add(ValueCodec.read(in));
        }
        assertThat(in.hasRemaining()).isFalse();
        for (int i = 0; i < VALUES.size(); i++) {
            Object expected = VALUES.get(i);
            if (expected instanceof byte[] b) {
                assertThat((byte[]) read.get(i)).isEqualTo(b);
            } else {
                assertThat(read.get(i)).as("value %d", i).isEqualTo(expected);
                if (expected != null) {
                    assertThat(read.get(i)).hasSameClassAs(expected);
                }
            }
        }

        // Skipping the first k values, the next read is value k.
        for (int k = 0; k < VALUES.size(); k++) {
            ByteBuffer skipping = buffer.duplicate();
            for (int i = 0; i < k; i++) {
                ValueCodec.skip(skipping);
            }
            Object next = ValueCodec.read(skipping);
            if (VALUES.get(k) instanceof byte[] b) {
                assertThat((byte[]) next).isEqualTo(b);
            } else {
                assertThat(next).as("after skipping %d", k).isEqualTo(VALUES.get(k));
            }
        }
    }
}
