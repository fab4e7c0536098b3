package dev.asof.gateway.online;

import dev.asof.spi.ConnectorException;
import dev.asof.spi.online.ConditionalWrite;
import dev.asof.spi.online.OnlineRecord;
import dev.asof.spi.online.OnlineStore;
import dev.asof.spi.online.VersionedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read-modify-write of online records that loses no other writer's change: the records are read
 * with their versions, changed, and written only where they are still at that version; the ones
 * another writer changed meanwhile (another gateway's push applier, a MATERIALIZE run) are read
 * again and changed again. One read and one write round trip when nobody else writes.
 */
final class RecordUpdates {
    /** Rounds before giving up: each lost round means another writer won, so this only ends a livelock. */
    static final int ROUNDS = 100;

    /** A record's new value computed from its current one; called again for a record that changed. */
    @FunctionalInterface
    interface Change {
        /**
         * @param index the key's position in the list given to {@link #update}
         * @param current the stored value, or {@code null} when there is no record
         * @return the record to write, or empty to leave it as it is
         */
        Optional<OnlineRecord> apply(int index, byte[] current);
    }

    private RecordUpdates() {}

    /**
     * Changes the records under {@code keys} (distinct), each from its current value.
     *
     * @throws ConnectorException when the store fails, or records kept changing for {@value #ROUNDS} rounds;
     *     some records may then be changed and others not
     */
    static void update(OnlineStore store, List<byte[]> keys, Change change) {
        List<Integer> todo = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            todo.add(i);
        }
        for (int round = 0; round < ROUNDS && !todo.isEmpty(); round++) {
            List<VersionedValue> current = store.getAllVersioned(todo.stream().map(keys::get).toList());
            List<ConditionalWrite> writes = new ArrayList<>(todo.size());
            List<Integer> written = new ArrayList<>(todo.size());
            for (int j = 0; j < todo.size(); j++) {
                VersionedValue value = current.get(j);
                Optional<OnlineRecord> record = change.apply(todo.get(j), value.value());
                if (record.isPresent()) {
                    writes.add(new ConditionalWrite(record.get(), value.version()));
                    written.add(todo.get(j));
                }
            }
            if (writes.isEmpty()) {
                return;
            }
            boolean[] done = store.putAllIfUnchanged(writes);
            List<Integer> again = new ArrayList<>();
            for (int j = 0; j < done.length; j++) {
                if (!done[j]) {
                    again.add(written.get(j));
                }
            }
            todo = again;
        }
        if (!todo.isEmpty()) {
            throw new ConnectorException(store.storeName() + ": " + todo.size()
                    + " record(s) kept changing under concurrent writers; not written", null);
        }
    }
}
