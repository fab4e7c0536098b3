package dev.asof.gateway.server.avatica;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.Service;

/**
 * Result frames for the asof JDBC driver in one binary value instead of one protobuf message per
 * value. Avatica's protobuf frame costs several objects and a reflective field lookup per value
 * on each side; a 5-column extract spent most of its time there (about 40k-150k rows/s). A
 * connection opened with {@link #PROPERTY} = {@link #VERSION} (the asof driver sends it once the
 * gateway announced it, {@link #ANNOUNCEMENT}) gets every non-empty frame of its statements'
 * results as a single row holding a single {@code byte[]}; the driver turns it back into the rows
 * Avatica's protobuf would have given (the same Java classes), before Avatica's result set sees
 * them. Metadata results and other clients' frames are unchanged.
 *
 * <p>Layout: {@code "AF1"} and a zero byte, row count and column count (ints), then each value,
 * row by row: a tag byte and the value (big-endian numbers, lengths as ints, strings UTF-8, a
 * decimal as its scale and unscaled two's-complement bytes, an array as its length and elements).
 */
final class CompactFrames {
    /** Open-connection property with which a client asks for compact frames. */
    static final String PROPERTY = "asof_frames";
    static final String VERSION = "compact-1";
    /**
     * What the gateway answers for {@code GET_DRIVER_NAME} in its database properties (the server
     * side's driver name, which clients do not show): the driver asks for compact frames only from
     * a gateway that says it sends them.
     */
    static final String ANNOUNCEMENT = "asof gateway; frames=" + VERSION;

    static final int NULL = 0;
    static final int LONG = 1;
    static final int INT = 2;
    static final int SHORT = 3;
    static final int BYTE = 4;
    static final int DOUBLE = 5;
    static final int FLOAT = 6;
    static final int TRUE = 7;
    static final int FALSE = 8;
    static final int STRING = 9;
    static final int BYTES = 10;
    static final int DECIMAL = 11;
    static final int LIST = 12;

    private CompactFrames() {}

    /** Whether a connection opened with {@code properties} asked for compact frames. */
    static boolean requested(Map<String, String> properties) {
        return properties != null && VERSION.equals(properties.get(PROPERTY));
    }

    /**
     * The rows of a frame ({@code Object[]} of wire values, {@code columns} each) as one compact row,
     * marked so that {@link Translation} serializes it without Avatica's copies.
     */
    static Iterable<Object> encode(List<Object> rows, int columns) {
        Writer out = new Writer(64 + rows.size() * columns * 9);
        out.bytes(new byte[] {'A', 'F', '1', 0});
        out.putInt(rows.size());
        out.putInt(columns);
        for (Object row : rows) {
            for (Object v : (Object[]) row) {
                out.value(v);
            }
        }
        return new CompactRows(out.buf, out.size);
    }

    /**
     * A compact frame's rows: one row holding the encoded frame. A {@link List}, because Avatica's
     * {@code LocalService} copies a first frame's rows into a new list unless they are one, and
     * {@link Translation} would then no longer recognize them: every lookup's response carried its
     * frame four times (bytes and Base64 text, in the legacy and the current field) and the client
     * parsed it all.
     */
    static final class CompactRows extends AbstractList<Object> implements RandomAccess {
        /** The encoded frame is the first {@code length} bytes (the encoder's buffer, not copied to size). */
        private final byte[] buffer;
        private final int length;

        CompactRows(byte[] buffer, int length) {
            this.buffer = Objects.requireNonNull(buffer, "buffer");
            Objects.checkFromIndexSize(0, length, buffer.length);
            this.length = length;
        }

        /** A copy of the encoded frame. */
        byte[] frame() {
            return Arrays.copyOf(buffer, length);
        }

        /** The encoded frame as protobuf bytes, not copied. */
        ByteString bytes() {
            return UnsafeByteOperations.unsafeWrap(buffer, 0, length);
        }

        @Override
        public Object get(int index) {
            Objects.checkIndex(index, 1);
            return new Object[] {frame()};
        }

        @Override
        public int size() {
            return 1;
        }
    }

    /**
     * Avatica's protobuf translation, except that a response carrying a compact frame is written
     * here, in one pass: Avatica writes a {@code byte[]} four times (the legacy and the current
     * value field, each as bytes and as Base64 text), which for a frame of 10,000 rows cost more
     * than encoding it. The message is field for field the one Avatica writes (the same fields in
     * the same order), with the frame's one value as protobuf bytes, which the driver reads as
     * Avatica's client does. Every other response is Avatica's.
     */
    static final class Translation implements ProtobufTranslation {
        private static final ByteString EXECUTE_RESPONSE = name(Responses.ExecuteResponse.class);
        private static final ByteString FETCH_RESPONSE = name(Responses.FetchResponse.class);
        private final ProtobufTranslation avatica;

        Translation(ProtobufTranslation avatica) {
            this.avatica = avatica;
        }

        @Override
        public byte[] serializeResponse(Service.Response response) throws IOException {
            if (response instanceof Service.FetchResponse fetch && fetch.frame != null
                    && fetch.frame.rows instanceof CompactRows rows) {
                Responses.FetchResponse.Builder proto = Responses.FetchResponse.newBuilder()
                        .setFrame(frame(fetch.frame, rows))
                        .setMissingStatement(fetch.missingStatement)
                        .setMissingResults(fetch.missingResults);
                if (fetch.rpcMetadata != null) {
                    proto.setMetadata(metadata(fetch.rpcMetadata));
                }
                return wire(FETCH_RESPONSE, proto.build());
            }
            if (response instanceof Service.ExecuteResponse execute && hasCompactFrame(execute)) {
                Responses.ExecuteResponse.Builder proto = Responses.ExecuteResponse.newBuilder();
                for (Service.ResultSetResponse r : execute.results) {
                    proto.addResults(resultSet(r));
                }
                if (execute.rpcMetadata != null) {
                    proto.setMetadata(metadata(execute.rpcMetadata));
                }
                return wire(EXECUTE_RESPONSE, proto.setMissingStatement(execute.missingStatement).build());
            }
            return avatica.serializeResponse(response);
        }

        private static boolean hasCompactFrame(Service.ExecuteResponse execute) {
            if (execute.results == null) {
                return false;
            }
            for (Service.ResultSetResponse r : execute.results) {
                if (r.firstFrame != null && r.firstFrame.rows instanceof CompactRows) {
                    return true;
                }
            }
            return false;
        }

        /** As Avatica's {@code ResultSetResponse.serialize}, a compact first frame written once. */
        private static Responses.ResultSetResponse resultSet(Service.ResultSetResponse r) {
            Responses.ResultSetResponse.Builder proto = Responses.ResultSetResponse.newBuilder()
                    .setStatementId(r.statementId).setOwnStatement(r.ownStatement).setUpdateCount(r.updateCount);
            if (r.connectionId != null) {
                proto.setConnectionId(r.connectionId);
            }
            if (r.signature != null) {
                proto.setSignature(r.signature.toProto());
            }
            if (r.firstFrame != null) {
                proto.setFirstFrame(r.firstFrame.rows instanceof CompactRows rows ? frame(r.firstFrame, rows)
                        : r.firstFrame.toProto());
            }
            if (r.rpcMetadata != null) {
                proto.setMetadata(metadata(r.rpcMetadata));
            }
            return proto.build();
        }

        private static Common.Frame frame(Meta.Frame frame, CompactRows rows) {
            Common.TypedValue value = Common.TypedValue.newBuilder().setType(Common.Rep.BYTE_STRING)
                    .setBytesValue(rows.bytes()).build();
            return Common.Frame.newBuilder().setOffset(frame.offset).setDone(frame.done)
                    .addRows(Common.Row.newBuilder().addValue(Common.ColumnValue.newBuilder().setScalarValue(value)))
                    .build();
        }

        private static Responses.RpcMetadata metadata(Service.RpcMetadataResponse metadata) {
            return Responses.RpcMetadata.newBuilder().setServerAddress(metadata.serverAddress).build();
        }

        /**
         * {@code message} in Avatica's envelope ({@code WireMessage}: the message's class name, then
         * the message), written straight into one exact-size array.
         */
        private static byte[] wire(ByteString name, Message message) throws IOException {
            byte[] out = new byte[CodedOutputStream.computeBytesSize(Common.WireMessage.NAME_FIELD_NUMBER, name)
                    + CodedOutputStream.computeMessageSize(Common.WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER, message)];
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeBytes(Common.WireMessage.NAME_FIELD_NUMBER, name);
            coded.writeMessage(Common.WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER, message);
            coded.checkNoSpaceLeft();
            return out;
        }

        private static ByteString name(Class<?> message) {
            return ByteString.copyFromUtf8(message.getName());
        }

        @Override
        public byte[] serializeRequest(Service.Request request) throws IOException {
            return avatica.serializeRequest(request);
        }

        @Override
        public Service.Request parseRequest(byte[] bytes) throws IOException {
            return avatica.parseRequest(bytes);
        }

        @Override
        public Service.Response parseResponse(byte[] bytes) throws IOException {
            return avatica.parseResponse(bytes);
        }
    }

    /** A growable big-endian buffer. */
    private static final class Writer {
        private byte[] buf;
        private int size;

        Writer(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        void value(Object v) {
            if (v == null) {
                tag(NULL);
            } else if (v instanceof Long l) {
                tag(LONG);
                putLong(l);
            } else if (v instanceof Integer i) {
                tag(INT);
                putInt(i);
            } else if (v instanceof String s) {
                tag(STRING);
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                putInt(utf8.length);
                bytes(utf8);
            } else if (v instanceof Double d) {
                tag(DOUBLE);
                putLong(Double.doubleToRawLongBits(d));
            } else if (v instanceof Boolean b) {
                tag(b ? TRUE : FALSE);
            } else if (v instanceof BigDecimal d) {
                tag(DECIMAL);
                putInt(d.scale());
                byte[] unscaled = d.unscaledValue().toByteArray();
                putInt(unscaled.length);
                bytes(unscaled);
            } else if (v instanceof Short s) {
                tag(SHORT);
                ensure(2);
                buf[size++] = (byte) (s >> 8);
                buf[size++] = (byte) (short) s;
            } else if (v instanceof Byte b) {
                tag(BYTE);
                tag(b);
            } else if (v instanceof Float f) {
                tag(FLOAT);
                putInt(Float.floatToRawIntBits(f));
            } else if (v instanceof byte[] b) {
                tag(BYTES);
                putInt(b.length);
                bytes(b);
            } else if (v instanceof List<?> list) {
                tag(LIST);
                putInt(list.size());
                list.forEach(this::value);
            } else if (v instanceof Object[] array) {
                value(Arrays.asList(array));
            } else {
                // Whatever Avatica's protobuf would make of it on the client.
                value(avaticaRoundTrip(v));
            }
        }

        private void tag(int tag) {
            ensure(1);
            buf[size++] = (byte) tag;
        }

        void putInt(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }

    /** The value a client's Avatica would read after Avatica's protobuf frame carried {@code v}. */
    private static Object avaticaRoundTrip(Object v) {
        Meta.Frame frame = Meta.Frame.create(0, true, java.util.Collections.singletonList(new Object[] {v}));
        Object back = ((List<?>) Meta.Frame.fromProto(frame.toProto()).rows.iterator().next()).get(0);
        return back == null || back instanceof String || back instanceof Number || back instanceof Boolean
                || back instanceof byte[] || back instanceof List<?> ? back : back.toString();
    }
}
