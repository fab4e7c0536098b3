package dev.asof.jdbc;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
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
  private final Map<String, String> toWire = new ConcurrentHashMap<>();
  private final Map<String, String> toLocal = new ConcurrentHashMap<>();

  private WireNameTranslation(ProtobufTranslation delegate, String localPrefix, String wirePrefix) {
    this.delegate = delegate;
    this.localPrefix = localPrefix;
    this.wirePrefix = wirePrefix;
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
    return rename(delegate.serializeRequest(request), toWire, localPrefix, wirePrefix);
  }

  @Override public Response parseResponse(byte[] bytes) throws IOException {
    return delegate.parseResponse(rename(bytes, toLocal, wirePrefix, localPrefix));
  }

  @Override public byte[] serializeResponse(Response response) throws IOException {
    return rename(delegate.serializeResponse(response), toWire, localPrefix, wirePrefix);
  }

  @Override public Request parseRequest(byte[] bytes) throws IOException {
    return delegate.parseRequest(rename(bytes, toLocal, wirePrefix, localPrefix));
  }

  /** Rewrites the WireMessage name from prefix {@code from} to {@code to}. */
  static byte[] rename(byte[] bytes, Map<String, String> cache, String from, String to)
      throws IOException {
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
}
