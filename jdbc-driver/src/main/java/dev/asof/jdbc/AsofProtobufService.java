package dev.asof.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's protobuf client service, plus <em>compact executes</em> when the server is an asof
 * gateway.
 *
 * <p>Avatica's protocol repeats a prepared statement's signature (every result column's metadata,
 * the SQL text, the parameters) twice on every execution: the client sends it back inside the
 * statement handle, and the server returns it with the rows. For a feature lookup with 50 columns
 * that is about 4 KB each way and more work than everything else in the round trip. An asof gateway
 * needs neither copy: it knows its statements by id, and the client already holds the signature it
 * got when it prepared the statement. So, once the gateway has said it is one (its product name,
 * asked once per connection), this service sends execute requests without the handle's signature,
 * and puts the prepared signature back into a response whose result set came without one. The
 * gateway leaves the signature out only when the request came without it and the result columns
 * are exactly the prepared ones; any other response carries its own signature, which is used.
 *
 * <p>Against any other Avatica server nothing changes.
 */
final class AsofProtobufService extends RemoteProtobufService {
  /** {@code DatabaseMetaData.getDatabaseProductName()} of an asof gateway. */
  static final String GATEWAY_PRODUCT_NAME = "asof";
  /**
   * Open-connection property asking the gateway for microsecond timestamps and zoned timestamps
   * with their type (its value: {@value #TIME_WIRE_MICROS}); results say per column that they carry
   * them ({@link ConvertingAccessor}).
   */
  static final String TIME_WIRE_PROPERTY = "asof_time_wire";
  static final String TIME_WIRE_MICROS = "micros";

  private volatile boolean compactExecutes;
  /** Whether the gateway sends {@link CompactFrames} (asked for when it announced them). */
  private volatile boolean compactFrames;

  AsofProtobufService(AvaticaHttpClient client, ProtobufTranslation translation) {
    super(client, translation);
  }

  /**
   * Asks the server whether it is an asof gateway, and uses compact executes if so; returns the
   * answer. Asked before connection {@code connectionId} opens: a gateway answers database
   * properties without an open connection, while a generic Avatica server fails the request (it
   * knows no such connection), and a server that cannot answer is not a gateway.
   */
  boolean negotiate(String connectionId) {
    try {
      Service.DatabasePropertyResponse properties =
          apply(new Service.DatabasePropertyRequest(connectionId));
      compactExecutes = GATEWAY_PRODUCT_NAME.equals(
          properties.map.get(Meta.DatabaseProperty.GET_DATABASE_PRODUCT_NAME));
      compactFrames = compactExecutes && CompactFrames.ANNOUNCEMENT.equals(
          properties.map.get(Meta.DatabaseProperty.GET_DRIVER_NAME));
    } catch (org.apache.calcite.avatica.AvaticaClientRuntimeException e) {
      if (e.getSqlState() != null && e.getSqlState().startsWith("28")) {
        throw e; // refused credentials: the connection fails now, as one failed login
      }
      compactExecutes = false;
    } catch (RuntimeException e) {
      compactExecutes = false;
    }
    return compactExecutes;
  }

  boolean compactExecutes() {
    return compactExecutes;
  }

  /** Whether to ask for compact result frames ({@link CompactFrames#PROPERTY}) when opening. */
  boolean compactFrames() {
    return compactFrames;
  }

  /**
   * Whether timestamp parameters travel as epoch microseconds: the gateway reads them so on a
   * connection opened with {@link #TIME_WIRE_PROPERTY} (which this driver always sends).
   */
  boolean exactTimes() {
    return compactExecutes;
  }

  @Override public Service.Response _apply(Service.Request request) {
    Service.Response response = super._apply(request);
    return compactFrames ? CompactFrames.decode(response) : response;
  }

  /**
   * Sends a compact execute and puts the prepared signature back into results that came without
   * one. It goes back after Avatica's client-side adjustment of signatures ({@code finagle}), which
   * the prepared signature already went through when the statement was prepared: adjusting it
   * again on every execute compared all its columns for nothing (for 50 columns, a few percent of
   * a lookup's CPU).
   */
  @Override public Service.ExecuteResponse apply(Service.ExecuteRequest request) {
    Meta.StatementHandle h = request.statementHandle;
    if (!compactExecutes || h == null || h.signature == null) {
      return super.apply(request);
    }
    Service.ExecuteResponse response = super.apply(new Service.ExecuteRequest(
        new Meta.StatementHandle(h.connectionId, h.id, null), request.parameterValues, request.maxRowCount));
    return (Service.ExecuteResponse) withSignature(response, h.signature);
  }

  /** {@code response} with {@code prepared} as the signature of each row result that came without one. */
  static Service.Response withSignature(Service.Response response, Meta.Signature prepared) {
    return mapResults(response, r -> r.updateCount == -1 && r.signature == null
        ? new Service.ResultSetResponse(r.connectionId, r.statementId, r.ownStatement, prepared,
            r.firstFrame, r.updateCount, r.rpcMetadata)
        : r);
  }

  /**
   * {@code response} with each result of an execute response replaced by {@code f}'s answer; the
   * same object when {@code f} changes none (and for any other response).
   */
  static Service.Response mapResults(Service.Response response,
      UnaryOperator<Service.ResultSetResponse> f) {
    if (!(response instanceof Service.ExecuteResponse)) {
      return response;
    }
    Service.ExecuteResponse execute = (Service.ExecuteResponse) response;
    if (execute.missingStatement || execute.results == null) {
      return execute;
    }
    List<Service.ResultSetResponse> results = new ArrayList<>(execute.results.size());
    boolean changed = false;
    for (Service.ResultSetResponse r : execute.results) {
      Service.ResultSetResponse mapped = f.apply(r);
      changed |= mapped != r;
      results.add(mapped);
    }
    return changed
        ? new Service.ExecuteResponse(results, execute.missingStatement, execute.rpcMetadata)
        : execute;
  }

}
