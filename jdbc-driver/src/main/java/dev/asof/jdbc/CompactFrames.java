package dev.asof.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.Service;

/**
 * Reads the gateway's compact result frames: a frame whose rows travel as one binary value (one
 * row, one {@code byte[]}) instead of one protobuf message per value, which made bulk reads cost a
 * few microseconds per value in protobuf alone. Asked for once the gateway announced it sends them
 * ({@link #ANNOUNCEMENT}); every non-empty frame of an execute or fetch response is then compact,
 * and becomes here the rows Avatica's protobuf would have given: the same Java classes
 * ({@code Long}, {@code Integer}, {@code Short}, {@code Byte}, {@code Double}, {@code Float},
 * {@code Boolean}, {@code String}, {@code BigDecimal}, {@code byte[]}, lists for arrays), so every
 * accessor and type conversion is unchanged.
 *
 * <p>Layout (the gateway's {@code CompactFrames}): {@code "AF1"} and a zero byte, row and column
 * counts, then each value row by row: a tag byte and the value (big-endian).
 */
final class CompactFrames {
  /** Open-connection property with which the driver asks for compact frames. */
  static final String PROPERTY = "asof_frames";
  static final String VERSION = "compact-1";
  /** The gateway's {@code GET_DRIVER_NAME} database property when it sends compact frames. */
  static final String ANNOUNCEMENT = "asof gateway; frames=" + VERSION;

  private static final int NULL = 0;
  private static final int LONG = 1;
  private static final int INT = 2;
  private static final int SHORT = 3;
  private static final int BYTE = 4;
  private static final int DOUBLE = 5;
  private static final int FLOAT = 6;
  private static final int TRUE = 7;
  private static final int FALSE = 8;
  private static final int STRING = 9;
  private static final int BYTES = 10;
  private static final int DECIMAL = 11;
  private static final int LIST = 12;

  private final byte[] buf;
  private int at;

  private CompactFrames(byte[] buf) {
    this.buf = buf;
  }

  /** {@code response} with each compact frame replaced by its rows. */
  static Service.Response decode(Service.Response response) {
    if (response instanceof Service.FetchResponse) {
      Service.FetchResponse fetch = (Service.FetchResponse) response;
      Meta.Frame frame = decode(fetch.frame);
      return frame == fetch.frame ? fetch
          : new Service.FetchResponse(frame, fetch.missingStatement, fetch.missingResults, fetch.rpcMetadata);
    }
    return AsofProtobufService.mapResults(response, r -> {
      Meta.Frame frame = decode(r.firstFrame);
      return frame == r.firstFrame ? r : new Service.ResultSetResponse(r.connectionId, r.statementId,
          r.ownStatement, r.signature, frame, r.updateCount, r.rpcMetadata);
    });
  }

  /** The frame's rows, decoded; the frame itself when it has none. */
  static Meta.Frame decode(Meta.Frame frame) {
    if (frame == null) {
      return null;
    }
    java.util.Iterator<Object> rows = frame.rows.iterator();
    if (!rows.hasNext()) {
      return frame;
    }
    Object only = rows.next();
    Object blob = only instanceof List ? ((List<?>) only).get(0) : ((Object[]) only)[0];
    if (rows.hasNext() || !(blob instanceof byte[])) {
      throw new IllegalStateException("the gateway sent a result frame that is not a compact frame");
    }
    return Meta.Frame.create(frame.offset, frame.done, new CompactFrames((byte[]) blob).rows());
  }

  private List<Object> rows() {
    if (buf.length < 12 || buf[0] != 'A' || buf[1] != 'F' || buf[2] != '1' || buf[3] != 0) {
      throw new IllegalStateException("the gateway sent a compact frame of an unknown version");
    }
    at = 4;
    int count = getInt();
    int columns = getInt();
    List<Object> rows = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      Object[] row = new Object[columns];
      for (int c = 0; c < columns; c++) {
        row[c] = value();
      }
      rows.add(Arrays.asList(row));
    }
    return rows;
  }

  private Object value() {
    int tag = buf[at++];
    switch (tag) {
    case NULL:
      return null;
    case LONG:
      return getLong();
    case INT:
      return getInt();
    case SHORT:
      return (short) ((buf[at++] & 0xff) << 8 | (buf[at++] & 0xff));
    case BYTE:
      return buf[at++];
    case DOUBLE:
      return Double.longBitsToDouble(getLong());
    case FLOAT:
      return Float.intBitsToFloat(getInt());
    case TRUE:
      return Boolean.TRUE;
    case FALSE:
      return Boolean.FALSE;
    case STRING: {
      int length = getInt();
      String s = new String(buf, at, length, StandardCharsets.UTF_8);
      at += length;
      return s;
    }
    case BYTES:
      return bytes(getInt());
    case DECIMAL: {
      int scale = getInt();
      return new BigDecimal(new BigInteger(bytes(getInt())), scale);
    }
    case LIST: {
      int n = getInt();
      List<Object> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(value());
      }
      return list;
    }
    default:
      throw new IllegalStateException("unknown value tag " + tag + " in a compact frame");
    }
  }

  private byte[] bytes(int length) {
    byte[] b = Arrays.copyOfRange(buf, at, at + length);
    at += length;
    return b;
  }

  private int getInt() {
    int v = (buf[at] & 0xff) << 24 | (buf[at + 1] & 0xff) << 16 | (buf[at + 2] & 0xff) << 8 | (buf[at + 3] & 0xff);
    at += 4;
    return v;
  }

  private long getLong() {
    return (long) getInt() << 32 | (getInt() & 0xffffffffL);
  }
}
