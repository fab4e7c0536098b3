package dev.asof.connector.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoredValueTest {
    @Test
    void valueWithoutExpiryHasAOneByteHeader() {
        byte[] stored = StoredValue.encode(new byte[] {7, 8}, Optional.empty());

        assertThat(stored).containsExactly(0, 7, 8);
        assertThat(StoredValue.decode(stored, Long.MAX_VALUE)).containsExactly(7, 8);
        assertThat(StoredValue.decode(StoredValue.encode(new byte[0], Optional.empty()), 0)).isEmpty();
    }

    @Test
    void expiryIsTheEpochSecondRoundedUp() {
        byte[] stored = StoredValue.encode(new byte[] {7}, Optional.of(Instant.ofEpochSecond(0x0102, 1)));

        assertThat(stored).containsExactly(1, 0, 0, 0, 0, 0, 0, 0x01, 0x03, 7);
        assertThat(StoredValue.decode(stored, 0x0102)).containsExactly(7);
        assertThat(StoredValue.decode(stored, 0x0103)).isNull();
        assertThat(StoredValue.expirySecond(Instant.ofEpochSecond(5))).isEqualTo(5);
        assertThat(StoredValue.expired(Optional.of(Instant.ofEpochSecond(5)), 5)).isTrue();
        assertThat(StoredValue.expired(Optional.of(Instant.ofEpochSecond(5, 1)), 5)).isFalse();
        assertThat(StoredValue.expired(Optional.empty(), Long.MAX_VALUE)).isFalse();
    }

    @Test
    void unknownFormatIsRejected() {
        assertThatThrownBy(() -> StoredValue.decode(new byte[] {9, 1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown stored value format 0x09");
        assertThatThrownBy(() -> StoredValue.decode(new byte[0], 0)).hasMessage("unknown stored value format (empty)");
        assertThatThrownBy(() -> StoredValue.decode(new byte[] {1, 0, 0}, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
