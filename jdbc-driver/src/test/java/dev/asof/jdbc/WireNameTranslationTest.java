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

  /** The spliced bytes are exactly those of the message rebuilt by protobuf with the new name. */
  @Test
  void splicingGivesTheBytesProtobufWouldWrite() throws Exception {
    byte[] payload = new byte[300]; // a name length and a payload length of two varint bytes
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 7);
    }
    String shaded = "dev.asof.jdbc.shaded.org.apache.calcite.avatica.";
    WireMessage original = WireMessage.newBuilder()
        .setName(shaded + "proto.Responses$ExecuteResponse")
        .setWrappedMessage(com.google.protobuf.ByteString.copyFrom(payload))
        .build();
    byte[] renamed = WireNameTranslation.rename(original.toByteArray(), new HashMap<>(), shaded,
        "org.apache.calcite.avatica.");
    assertThat(renamed).isEqualTo(original.toBuilder()
        .setName("org.apache.calcite.avatica.proto.Responses$ExecuteResponse").build().toByteArray());
    // and back
    assertThat(WireNameTranslation.rename(renamed, new HashMap<>(), "org.apache.calcite.avatica.", shaded))
        .isEqualTo(original.toByteArray());
  }

  @Test
  void aNameOutsideThePrefixIsLeftAsItIs() throws Exception {
    byte[] bytes = WireMessage.newBuilder().setName("other.Message")
        .setWrappedMessage(com.google.protobuf.ByteString.copyFromUtf8("payload")).build().toByteArray();
    assertThat(WireNameTranslation.rename(bytes, new HashMap<>(), "org.apache.calcite.avatica.", "x."))
        .isSameAs(bytes);
  }

  /** Protobuf allows the fields in any order: a message whose name is not first is still renamed. */
  @Test
  void aNameThatIsNotTheFirstFieldIsRenamedToo() throws Exception {
    com.google.protobuf.ByteString payload = com.google.protobuf.ByteString.copyFromUtf8("payload");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream coded = com.google.protobuf.CodedOutputStream.newInstance(out);
    coded.writeBytes(WireMessage.WRAPPED_MESSAGE_FIELD_NUMBER, payload);
    coded.writeString(WireMessage.NAME_FIELD_NUMBER, "a.avatica.proto.Requests$FetchRequest");
    coded.flush();
    WireMessage parsed = WireMessage.parseFrom(WireNameTranslation.rename(out.toByteArray(),
        new HashMap<>(), "a.avatica.", "b.avatica."));
    assertThat(parsed.getName()).isEqualTo("b.avatica.proto.Requests$FetchRequest");
    assertThat(parsed.getWrappedMessage()).isEqualTo(payload);
  }
}
