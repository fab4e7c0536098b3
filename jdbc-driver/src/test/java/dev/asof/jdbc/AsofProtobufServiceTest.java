package dev.asof.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.Test;

/**
 * Compact executes, against a scripted server: used only after the server said it is an asof
 * gateway; then execute requests go without the handle's signature, and a result that comes back
 * without one gets the prepared signature.
 */
class AsofProtobufServiceTest {
  private static final ProtobufTranslationImpl PROTOBUF = new ProtobufTranslationImpl();
  private static final Service.RpcMetadataResponse SERVER = new Service.RpcMetadataResponse("gw:1");
  private static final Meta.Signature PREPARED = Meta.Signature.create(
      List.of(ColumnMetaData.dummy(ColumnMetaData.scalar(Types.VARCHAR, "VARCHAR",
          ColumnMetaData.Rep.STRING), true)),
      "SELECT segment FROM customer_profile WHERE customer_id = ?",
      List.of(new AvaticaParameter(false, 0, 0, Types.OTHER, "ANY", Object.class.getName(), "?1")),
      Meta.CursorFactory.ARRAY, Meta.StatementType.SELECT);

  /** Answers database properties with {@code productName}; executes with one row and no signature. */
  private static final class ScriptedServer implements AvaticaHttpClient {
    private final String productName;
    final List<Service.Request> received = new ArrayList<>();

    ScriptedServer(String productName) {
      this.productName = productName;
    }

    @Override public byte[] send(byte[] request) {
      try {
        Service.Request r = PROTOBUF.parseRequest(request);
        received.add(r);
        if (r instanceof Service.DatabasePropertyRequest) {
          return PROTOBUF.serializeResponse(new Service.DatabasePropertyResponse(
              Map.of(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_NAME, productName), SERVER));
        }
        Service.ExecuteRequest e = (Service.ExecuteRequest) r;
        List<Object> rows = List.of((Object) new Object[] {"gold"});
        return PROTOBUF.serializeResponse(new Service.ExecuteResponse(List.of(
            new Service.ResultSetResponse(e.statementHandle.connectionId, e.statementHandle.id,
                true, null, Meta.Frame.create(0, true, rows), -1, SERVER)), false, SERVER));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Service.ExecuteRequest execute() {
    return new Service.ExecuteRequest(new Meta.StatementHandle("c", 3, PREPARED),
        List.of(TypedValue.ofLocal(ColumnMetaData.Rep.LONG, 42L)), 100);
  }

  @Test
  void againstAGatewayTheSignatureStaysOnTheClient() {
    ScriptedServer server = new ScriptedServer(AsofProtobufService.GATEWAY_PRODUCT_NAME);
    AsofProtobufService service = new AsofProtobufService(server, PROTOBUF);
    service.negotiate("c");
    assertThat(service.compactExecutes()).isTrue();

    Service.ExecuteResponse response = service.apply(execute());

    Service.ExecuteRequest sent = (Service.ExecuteRequest) server.received.get(1);
    assertThat(sent.statementHandle.signature).isNull();
    assertThat(sent.statementHandle.id).isEqualTo(3);
    assertThat(sent.parameterValues).isEqualTo(execute().parameterValues);
    assertThat(response.results.get(0).signature).isSameAs(PREPARED);
    assertThat(response.results.get(0).firstFrame.rows).hasSize(1);
  }

  @Test
  void againstAnyOtherServerNothingChanges() {
    ScriptedServer server = new ScriptedServer("DuckDB");
    AsofProtobufService service = new AsofProtobufService(server, PROTOBUF);
    service.negotiate("c");
    assertThat(service.compactExecutes()).isFalse();

    service.apply(execute());

    Service.ExecuteRequest sent = (Service.ExecuteRequest) server.received.get(1);
    assertThat(sent.statementHandle.signature).isNotNull();
    assertThat(sent.statementHandle.signature.sql).isEqualTo(PREPARED.sql);
  }

  @Test
  void aSignatureInTheResponseWins() {
    Meta.Signature own = Meta.Signature.create(List.of(), "x", List.of(), Meta.CursorFactory.ARRAY,
        Meta.StatementType.SELECT);
    Service.ExecuteResponse response = new Service.ExecuteResponse(List.of(
        new Service.ResultSetResponse("c", 3, true, own, Meta.Frame.EMPTY, -1, SERVER),
        new Service.ResultSetResponse("c", 3, true, null, null, 5, SERVER)), false, SERVER);
    assertThat(AsofProtobufService.withSignature(response, PREPARED)).isSameAs(response);
  }
}
