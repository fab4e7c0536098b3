package dev.asof.jdbc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.Service.Request;
import org.apache.calcite.avatica.remote.Service.Response;

/**
 * Keeps Avatica's protobuf wire format intact when Avatica is relocated.
 *
 * <p>Every Avatica protobuf message travels inside a {@code WireMessage} whose {@code name} is the
 * Java class name of the wrapped message ({@code org.apache.calcite.avatica.proto.Requests$...}).
 * Once Avatica is relocated under {@code dev.asof.jdbc.shaded}, the client would send and expect
 * relocated names, and a stock Avatica server answers "Cannot find request parser". This
 * translation rewrites the name between the relocated (local) and the standard (wire) prefix, and
 * otherwise delegates to Avatica's own translation. Cost: one byte-array copy per message.
 * Unshaded (tests, IDE) both prefixes are equal and messages pass through untouched.
 */
final class WireNameTranslation implements ProtobufTranslation {

  /** Built at run time so that the shade plugin's string relocation leaves it alone. */
  static final String WIRE_PREFIX = String.join(".", "org", "apache", "calcite", "avatica") + ".";
  /** Where Avatica lives in this jar: relocated in the shaded jar, standard otherwise. */
  static final String LOCAL_PREFIX = AvaticaConnection.class.getPackageName() + ".";

  private final ProtobufTranslation delegate;
  private final String localPrefix;
  private final String wirePrefix;
  private final byte[] localBytes;
  private final byte[] wireBytes;
  private final Map<String, String> toWire = new ConcurrentHashMap<>();
  private final Map<String, String> toLocal = new ConcurrentHashMap<>();

  private WireNameTranslation(ProtobufTranslation delegate, String localPrefix, String wirePrefix) {
    this.delegate = delegate;
    this.localPrefix = localPrefix;
    this.wirePrefix = wirePrefix;
    this.localBytes = localPrefix.getBytes(StandardCharsets.UTF_8);
    this.wireBytes = wirePrefix.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code delegate} itself when no renaming is needed. */
  static ProtobufTranslation wrap(ProtobufTranslation delegate) {
    return wrap(delegate, LOCAL_PREFIX, WIRE_PREFIX);
  }

  static ProtobufTranslation wrap(ProtobufTranslation delegate, String localPrefix,
      String wirePrefix) {
    if (localPrefix.equals(wirePrefix)) {
      return delegate;
    }
    return new WireNameTranslation(delegate, localPrefix, wirePrefix);
  }

  @Override public byte[] serializeRequest(Request request) throws IOException {
    return rename(delegate.serializeRequest(request), toWire, localPrefix, wirePrefix, localBytes, wireBytes);
  }

  @Override public Response parseResponse(byte[] bytes) throws IOException {
    return delegate.parseResponse(rename(bytes, toLocal, wirePrefix, localPrefix, wireBytes, localBytes));
  }

  @Override public byte[] serializeResponse(Response response) throws IOException {
    return rename(delegate.serializeResponse(response), toWire, localPrefix, wirePrefix, localBytes, wireBytes);
  }

  @Override public Request parseRequest(byte[] bytes) throws IOException {
    return delegate.parseRequest(rename(bytes, toLocal, wirePrefix, localPrefix, wireBytes, localBytes));
  }

  /**
   * Rewrites the WireMessage name from prefix {@code from} to {@code to}. Avatica writes the name
   * first, so that the bytes are spliced: the new name, then the rest of the message as it came (no
   * protobuf parse and rebuild of every request and response). A message whose name is not first
   * is parsed and rebuilt.
   */
  static byte[] rename(byte[] bytes, Map<String, String> cache, String from, String to)
      throws IOException {
    return rename(bytes, cache, from, to, from.getBytes(StandardCharsets.UTF_8),
        to.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] rename(byte[] bytes, Map<String, String> cache, String from, String to,
      byte[] fromBytes, byte[] toBytes) throws IOException {
    if (bytes.length > 0 && bytes[0] == NAME_TAG) {
      CodedInputStream in = CodedInputStream.newInstance(bytes, 1, bytes.length - 1);
      int length = in.readRawVarint32();
      int nameStart = 1 + in.getTotalBytesRead();
      if (length >= 0 && length <= bytes.length - nameStart) {
        return splice(bytes, nameStart, nameStart + length, fromBytes, toBytes);
      }
    }
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.enableAliasing(true);
    WireMessage wire = WireMessage.parseFrom(in);
    String name = wire.getName();
    if (!name.startsWith(from)) {
      return bytes;
    }
    String renamed = cache.computeIfAbsent(name, n -> to + n.substring(from.length()));
    return wire.toBuilder().setName(renamed).build().toByteArray();
  }

  /** The tag of WireMessage's name (field 1, length-delimited). */
  private static final byte NAME_TAG = (byte) (WireMessage.NAME_FIELD_NUMBER << 3 | 2);

  /** {@code bytes}, whose name runs from {@code nameStart} to {@code nameEnd}, with prefix {@code fromBytes} of it replaced by {@code toBytes}. */
  private static byte[] splice(byte[] bytes, int nameStart, int nameEnd, byte[] fromBytes, byte[] toBytes) {
    if (nameEnd - nameStart < fromBytes.length
        || !Arrays.equals(bytes, nameStart, nameStart + fromBytes.length, fromBytes, 0, fromBytes.length)) {
      return bytes;
    }
    int suffix = nameEnd - nameStart - fromBytes.length;
    int nameLength = toBytes.length + suffix;
    int lengthSize = CodedOutputStream.computeUInt32SizeNoTag(nameLength);
    byte[] out = new byte[1 + lengthSize + nameLength + bytes.length - nameEnd];
    out[0] = NAME_TAG;
    CodedOutputStream header = CodedOutputStream.newInstance(out, 1, lengthSize);
    try {
      header.writeUInt32NoTag(nameLength);
    } catch (IOException e) {
      throw new IllegalStateException(e); // the array has room for it
    }
    int at = 1 + lengthSize;
    System.arraycopy(toBytes, 0, out, at, toBytes.length);
    at += toBytes.length;
    System.arraycopy(bytes, nameStart + fromBytes.length, out, at, suffix);
    at += suffix;
    System.arraycopy(bytes, nameEnd, out, at, bytes.length - nameEnd);
    return out;
  }
}
