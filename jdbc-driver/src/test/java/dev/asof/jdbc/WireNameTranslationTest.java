package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import org.apache.calcite.avatica.proto.Common.WireMessage;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.Test;

class WireNameTranslationTest {

  @Test
  void wirePrefixIsTheStandardAvaticaPackage() {
    assertThat(WireNameTranslation.WIRE_PREFIX).isEqualTo("org.apache.calcite.avatica.");
  }

  @Test
  void unshadedIsAPassThrough() {
    ProtobufTranslationImpl impl = new ProtobufTranslationImpl();
    assertThat(WireNameTranslation.wrap(impl)).isSameAs(impl);
  }

  @Test
  void renamesTheWireMessageAndKeepsThePayload() throws Exception {
    WireMessage original = WireMessage.newBuilder()
        .setName("shaded.org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest")
        .setWrappedMessage(com.google.protobuf.ByteString.copyFromUtf8("payload"))
        .build();
    byte[] renamed = WireNameTranslation.rename(original.toByteArray(), new HashMap<>(),
        "shaded.org.apache.calcite.avatica.", "org.apache.calcite.avatica.");
    WireMessage parsed = WireMessage.parseFrom(renamed);
    assertThat(parsed.getName())
        .isEqualTo("org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest");
    assertThat(parsed.getWrappedMessage().toStringUtf8()).isEqualTo("payload");
  }

  @Test
  void roundTripsThroughAvaticasTranslation() throws Exception {
    // Local prefix "org.apache.calcite.avatica." pretending the wire uses "x.avatica.":
    // what goes out renamed must come back as the same request.
    var translation = WireNameTranslation.wrap(new ProtobufTranslationImpl(),
        "org.apache.calcite.avatica.", "x.avatica.");
    Service.OpenConnectionRequest request =
        new Service.OpenConnectionRequest("c1", java.util.Map.of("user", "u"));
    byte[] bytes = translation.serializeRequest(request);
    assertThat(WireMessage.parseFrom(bytes).getName()).startsWith("x.avatica.proto.Requests$");
    assertThat(translation.parseRequest(bytes)).isEqualTo(request);
  }
}
