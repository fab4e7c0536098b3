package dev.asof.gateway.online;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Layout of the online store's records. One record per (feature view, entity key):
 *
 * <ul>
 *   <li>key: the view definition's registry id (8 bytes), then each key value (tagged, {@link ValueCodec});
 *   <li>value: up to two versions, each {@code (run id, payload)}: the one lookups serve now and the
 *       one the running materialization wrote. A run that fails half-way therefore never changes
 *       what lookups see: they read the newest version of a complete run ({@link ViewRuns#serves}).
 * </ul>
 *
 * <p>A latest-value payload is the event instant of the value (µs since the epoch, for the TTL
 * check at lookup) followed by the view's non-key columns.
 */
final class OnlineRecords {
    private static final int FORMAT = 1;

    private OnlineRecords() {}

    /** One version of a record: what run {@code runId} computed. */
    record Version(long runId, byte[] payload) {}

    /** A latest-value payload: the value's event instant (µs since the epoch) and the non-key columns. */
    record LatestValue(long eventMicros, List<Object> values) {}

    static byte[] key(long viewId, List<Object> keyValues) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(24);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeLong(viewId);
            for (Object v : keyValues) {
                ValueCodec.write(out, v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static byte[] encode(List<Version> versions) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(FORMAT);
            out.writeByte(versions.size());
            for (Version v : versions) {
                out.writeLong(v.runId());
                out.writeInt(v.payload().length);
                out.write(v.payload());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static List<Version> decode(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("online record of unknown format " + format);
            }
            int n = in.readUnsignedByte();
            List<Version> versions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long run = in.readLong();
                byte[] payload = new byte[in.readInt()];
                in.readFully(payload);
                versions.add(new Version(run, payload));
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The greatest run id of the record's versions. */
    static long newestRun(byte[] record) {
        long newest = Long.MIN_VALUE;
        for (Version v : decode(record)) {
            newest = Math.max(newest, v.runId());
        }
        return newest;
    }

    /** The payload lookups serve from a record, if any version of it is served. */
    static Optional<byte[]> served(byte[] record, ViewRuns runs) {
        ByteBuffer payload = servedPayload(ByteBuffer.wrap(record), runs);
        if (payload == null) {
            return Optional.empty();
        }
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        return Optional.of(copy);
    }

    /**
     * As {@link #served}, the payload as a view of {@code record} from its position on (the read
     * path of lookups: a windowed payload may be hundreds of kilobytes, of which a lookup reads a
     * few); null when no version is served.
     */
    static ByteBuffer servedPayload(ByteBuffer record, ViewRuns runs) {
        int at = record.position();
        int format = record.get(at) & 0xff;
        if (format != FORMAT) {
            throw new IllegalStateException("online record of unknown format " + format);
        }
        int n = record.get(at + 1) & 0xff;
        at += 2;
        long bestRun = 0;
        int bestAt = -1;
        int bestLength = 0;
        for (int i = 0; i < n; i++) {
            long run = record.getLong(at);
            int length = record.getInt(at + 8);
            if (runs.serves(run) && (bestAt < 0 || run > bestRun)) {
                bestRun = run;
                bestAt = at + 12;
                bestLength = length;
            }
            at += 12 + length;
        }
        return bestAt < 0 ? null : record.duplicate().position(bestAt).limit(bestAt + bestLength).slice();
    }

    /**
     * The record after run {@code runId} writes {@code payload}: the served version (if any) is
     * kept, so lookups are unchanged until the run completes; versions of failed or earlier
     * uncommitted attempts are dropped.
     */
    static byte[] withRun(byte[] existing, ViewRuns runs, long runId, byte[] payload) {
        List<Version> versions = new ArrayList<>(2);
        if (existing != null) {
            Version best = null;
            for (Version v : decode(existing)) {
                if (runs.serves(v.runId()) && v.runId() != runId && (best == null || v.runId() > best.runId())) {
                    best = v;
                }
            }
            if (best != null) {
                versions.add(best);
            }
        }
        versions.add(new Version(runId, payload));
        return encode(versions);
    }

    static byte[] latestValue(long eventMicros, List<Object> values) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 + values.size() * 9);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeLong(eventMicros);
            out.writeShort(values.size());
            for (Object v : values) {
                ValueCodec.write(out, v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** As {@link #readLatestValue(byte[])}, from the payload between {@code payload}'s position and limit. */
    static LatestValue readLatestValue(ByteBuffer payload) {
        ByteBuffer in = payload.duplicate();
        long event = in.getLong();
        int n = in.getShort() & 0xffff;
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(ValueCodec.read(in));
        }
        return new LatestValue(event, values);
    }

    static LatestValue readLatestValue(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            long event = in.readLong();
            int n = in.readUnsignedShort();
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                values.add(ValueCodec.read(in));
            }
            return new LatestValue(event, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A latest-value payload written from a pushed row: as {@link #latestValue(long, List)}, followed
     * by the row's created instant (µs since the epoch), which readers of the value ignore and the
     * push applier compares to break ties on the event time. Values a materialization wrote have
     * none: they were visible at the run's time, so before every row pushed after it.
     */
    static byte[] latestValue(long eventMicros, long createdMicros, List<Object> values) {
        byte[] value = latestValue(eventMicros, values);
        byte[] payload = java.util.Arrays.copyOf(value, value.length + 8);
        java.nio.ByteBuffer.wrap(payload, value.length, 8).putLong(createdMicros);
        return payload;
    }

    /** The created instant a pushed row's latest-value payload ends with, if any. */
    static java.util.OptionalLong createdMicros(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            in.readLong();
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                ValueCodec.read(in);
            }
            return in.available() >= 8 ? java.util.OptionalLong.of(in.readLong()) : java.util.OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event instant of a latest-value payload from its position, without decoding its values. */
    static long eventMicros(ByteBuffer payload) {
        return payload.getLong(payload.position());
    }

    /** The event instant of a latest-value payload, without decoding its values. */
    static long eventMicros(byte[] payload) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (payload[i] & 0xff);
        }
        return v;
    }
}
