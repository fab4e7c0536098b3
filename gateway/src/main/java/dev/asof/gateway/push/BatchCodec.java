package dev.asof.gateway.push;

import dev.asof.gateway.online.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PushedBatch} as bytes, the payload of one log record: first sequence, created micros,
 * source name, then the rows, each value as the online store's {@link ValueCodec} writes it
 * (a type tag, then the value).
 */
final class BatchCodec {
    private BatchCodec() {}

    static byte[] encode(PushedBatch batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + batch.rows().size() * 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(batch.firstSequence());
            out.writeLong(batch.createdMicros());
            out.writeUTF(batch.source());
            out.writeInt(batch.rows().size());
            int width = batch.rows().isEmpty() ? 0 : batch.rows().get(0).length;
            out.writeInt(width);
            for (Object[] row : batch.rows()) {
                if (row.length != width) {
                    throw new IllegalArgumentException("rows of one batch have one width");
                }
                for (Object v : row) {
                    ValueCodec.write(out, v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static PushedBatch decode(ByteBuffer payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload.array(),
                payload.arrayOffset() + payload.position(), payload.remaining()));
        long first = in.readLong();
        long created = in.readLong();
        String source = in.readUTF();
        int count = in.readInt();
        int width = in.readInt();
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[width];
            for (int c = 0; c < width; c++) {
                row[c] = ValueCodec.read(in);
            }
            rows.add(row);
        }
        return new PushedBatch(source, first, created, rows);
    }
}
